import { WaveletClient, type WebSocketConstructor } from '../../client/index.ts';

/** What the SDK's heartbeat costs an idle connection, with its default options. */
export interface IdleHeartbeatFigures {
  /** Simulated minutes the idle client was watched (after its first minute). */
  readonly minutes: number;
  /** Frames the client sent per idle minute (its pings): billed WebSocket messages in. */
  readonly framesInPerMinute: number;
  /** Frames the server sent per idle minute (the pings' replies): billed messages out. */
  readonly framesOutPerMinute: number;
  /** Pings per idle minute: each is one `ping` invocation. */
  readonly pingsPerMinute: number;
  /** The longest the client went without sending: must stay under API Gateway's 10 minutes. */
  readonly longestSilenceMs: number;
  /** From the moment the socket stopped answering (right after a ping's reply) to the SDK's drop. */
  readonly deadSocketDetectedMs: number;
}

export interface IdleHeartbeatOptions {
  readonly minutes?: number;
}

/**
 * Runs the real SDK, with its defaults, against a socket that answers every request at once,
 * on a simulated clock (the heartbeat's intervals are minutes long): an idle client is watched
 * for `minutes`, counting every frame each way; then the socket stops answering and the time
 * to the SDK's drop is measured.
 */
export async function measureIdleHeartbeat(
  options: IdleHeartbeatOptions = {},
): Promise<IdleHeartbeatFigures> {
  const minutes = options.minutes ?? 240;
  const clock = installSimulatedClock();
  try {
    const sockets: AnsweringSocket[] = [];
    const WebSocket = class extends AnsweringSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
        clock.setTimeout(() => this.open(), 0);
      }
    } as unknown as WebSocketConstructor;
    const client = new WaveletClient({ url: 'ws://bench.test', token: 'bench', WebSocket });
    void client.connect();
    await clock.advance(60_000);
    const socket = sockets[0];
    if (!socket) throw new Error('the client opened no socket');
    const start = { in: socket.framesIn, out: socket.framesOut, pings: socket.pings };
    socket.longestSilenceMs = 0;
    await clock.advance(minutes * 60_000);
    const figures = {
      minutes,
      framesInPerMinute: (socket.framesIn - start.in) / minutes,
      framesOutPerMinute: (socket.framesOut - start.out) / minutes,
      pingsPerMinute: (socket.pings - start.pings) / minutes,
      longestSilenceMs: socket.longestSilenceMs,
    };
    // The worst case: the socket dies right after a ping was answered.
    const pings = socket.pings;
    while (socket.pings === pings) await clock.advance(1_000);
    await clock.advance(0);
    socket.answering = false;
    const diedAt = clock.now();
    while (socket.readyState === 1 && clock.now() - diedAt < 3_600_000) await clock.advance(1_000);
    await client.close();
    return { ...figures, deadSocketDetectedMs: clock.now() - diedAt };
  } finally {
    clock.uninstall();
  }
}

/** Prints the idle heartbeat's figures. */
export function printIdleHeartbeat(f: IdleHeartbeatFigures): void {
  process.stdout.write(
    `idle heartbeat, SDK defaults, ${f.minutes} simulated minutes: ${f.framesInPerMinute} frames in and ` +
      `${f.framesOutPerMinute} out per connection-minute (${f.pingsPerMinute} pings), longest silence ` +
      `${f.longestSilenceMs / 1000} s (API Gateway's idle timeout: 600 s), a dead socket dropped after ` +
      `${f.deadSocketDetectedMs / 1000} s\n\n`,
  );
}

/** A socket that answers `sync` and `ping` at once, while `answering`, and counts frames. */
class AnsweringSocket {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  answering = true;
  framesIn = 0;
  framesOut = 0;
  pings = 0;
  longestSilenceMs = 0;
  private lastSentAt = Date.now();

  constructor(readonly url: string) {}

  open(): void {
    this.readyState = 1;
    this.lastSentAt = Date.now();
    this.onopen?.({});
  }

  send(text: string): void {
    const now = Date.now();
    this.longestSilenceMs = Math.max(this.longestSilenceMs, now - this.lastSentAt);
    this.lastSentAt = now;
    this.framesIn += 1;
    const frame = JSON.parse(text) as { action?: string; ref?: string };
    if (frame.action === 'ping') this.pings += 1;
    if (!this.answering || frame.ref === undefined) return;
    const result = frame.action === 'sync' ? { delivered: 0, more: false } : { ts: now };
    this.framesOut += 1;
    queueMicrotask(() =>
      this.onmessage?.({ data: JSON.stringify({ type: 'reply', ref: frame.ref, result }) }),
    );
  }

  close(code = 1005, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

interface SimulatedClock {
  now(): number;
  setTimeout(run: () => void, ms: number): number;
  /** Moves the clock on by `ms`, running each timer due on the way, in order. */
  advance(ms: number): Promise<void>;
  uninstall(): void;
}

/** Replaces `setTimeout`, `clearTimeout` and `Date.now` with a clock that only moves when told. */
function installSimulatedClock(): SimulatedClock {
  const real = { setTimeout, clearTimeout, now: Date.now, setImmediate };
  let now = real.now();
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const settle = () => new Promise<void>((resolve) => real.setImmediate(resolve));
  const clock: SimulatedClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), run });
      return id;
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle();
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= target)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = target;
      await settle();
    },
    uninstall() {
      Object.assign(globalThis, { setTimeout: real.setTimeout, clearTimeout: real.clearTimeout });
      Date.now = real.now;
    },
  };
  Object.assign(globalThis, {
    setTimeout: (run: () => void, ms = 0) => clock.setTimeout(run, ms),
    clearTimeout: (id?: number) => {
      if (id !== undefined) timers.delete(id);
    },
  });
  Date.now = () => now;
  return clock;
}
