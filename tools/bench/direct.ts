import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import type { DirectChildMessage, DirectParentMessage, DirectRun } from './direct-clients.ts';
import { startIpcChild } from './ipc-child.ts';
import { startRelay } from './relay.ts';
import { round } from './stats.ts';

export interface DirectOptions {
  /** Steady rate of the latency case, messages per second. @default 200 */
  readonly rate?: number;
  /** Length of the latency case. @default 5000 */
  readonly durationMs?: number;
  /** Offered rates tried in turn for the highest sustainable one. */
  readonly steps?: readonly number[];
  /** Length of each step. @default 2000 */
  readonly stepMs?: number;
  /** Sender and receiver sockets (users). @default 20 each */
  readonly senders?: number;
  readonly receivers?: number;
}

/** One target (our runtime or the bare relay): the steady case and the rate search. */
/** A run, with the server's CPU per message (the runtime's or the relay's process). */
export type DirectServerRun = DirectRun & { readonly cpuMsPerMessage: number };

export interface DirectTarget {
  readonly steady: DirectServerRun;
  readonly steps: readonly (DirectServerRun & { readonly sustained: boolean })[];
  /** Highest offered rate that was sustained (0 if none); `capped` when the last step passed too. */
  readonly maxSustained: number;
  readonly capped: boolean;
}

export interface DirectFigures {
  readonly rate: number;
  readonly durationMs: number;
  readonly senders: number;
  readonly receivers: number;
  readonly baseline: DirectTarget;
  readonly runtime: DirectTarget;
  /** Runtime over baseline: the ratio of their highest sustained rates. */
  readonly rateRatio: number;
}

const defaultSteps = [25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200, 4800, 6400];

/**
 * Direct messages through the local runtime (`send` route: rate limit, idempotency, inbox
 * write, connection lookup, post), timed from the frame leaving the sender to its receipt, at a
 * steady rate and then at rising rates, against a bare `ws` relay (see relay.ts). Clients run in
 * a child process. The per-user rate limit is raised so that it does not cap the offered load
 * (it still makes its DynamoDB write per frame).
 */
export async function benchDirect(options: DirectOptions = {}): Promise<DirectFigures> {
  const settings = {
    rate: options.rate ?? 200,
    durationMs: options.durationMs ?? 5000,
    senders: options.senders ?? 20,
    receivers: options.receivers ?? 20,
  };
  const steps = options.steps ?? defaultSteps;
  const stepMs = options.stepMs ?? 2000;

  const relay = await startRelay();
  const baseline = await measureTarget(relay.url, undefined).finally(() => relay.close());

  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    // The bench measures throughput, not the limits: each sender goes far past them.
    functionEnv: {
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '200000',
      FRAME_BUDGET_PER_SECOND: '100000',
    },
  });
  const runtime = await measureTarget(rt.endpoints.websocket, localDefaults.jwtSecret).finally(() =>
    rt.stop(),
  );
  return { ...settings, baseline, runtime, rateRatio: runtime.maxSustained / baseline.maxSustained };

  async function measureTarget(url: string, secret: string | undefined): Promise<DirectTarget> {
    const clients = startIpcChild<DirectParentMessage, DirectChildMessage>('direct-clients.ts');
    try {
      await clients.ask({
        type: 'open',
        url,
        secret,
        senders: settings.senders,
        receivers: settings.receivers,
      });
      const runAt = async (rate: number, durationMs: number) => {
        const cpu = process.cpuUsage();
        const answer = await clients.ask({ type: 'run', rate, durationMs, graceMs: 1000 });
        const used = process.cpuUsage(cpu);
        if (answer.type !== 'ran') throw new Error('direct clients did not run');
        const { type: _, ...figures } = answer;
        // The server side's CPU (runtime or relay: this process) per message sent.
        return { ...figures, cpuMsPerMessage: (used.user + used.system) / 1000 / Math.max(1, figures.sent) };
      };
      // Warm-up, gently: a burst into functions still loading would pile up at cold start.
      await runAt(Math.max(10, settings.rate / 10), 2000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The rising steps first: an overloaded steady run would leave failing requests behind.
      const tried: (DirectServerRun & { sustained: boolean })[] = [];
      for (const rate of steps) {
        const run = await runAt(rate, stepMs);
        // Kept up: no error, every message within a second of the step's end, and a median
        // under 100 ms (a backlog of any size raises the median; one stall only p99).
        const sustained = run.received >= run.sent && Object.keys(run.errors).length === 0 && run.p50 < 100;
        tried.push({ ...run, sustained });
        process.stdout.write(
          `  ${secret ? 'runtime' : 'relay'} ${rate}/s: ${run.received}/${run.sent} received, p50 ${round(run.p50, 1)} ms, p99 ${round(run.p99, 1)} ms, server CPU ${round(run.cpuMsPerMessage, 2)} ms/message${sustained ? '' : ' (not sustained)'}\n`,
        );
        // Let a backlog of the step drain before the next one.
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (!sustained) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const steady = await runAt(settings.rate, settings.durationMs);
      const passed = tried.filter((t) => t.sustained);
      return {
        steady,
        steps: tried,
        maxSustained: passed.at(-1)?.rate ?? 0,
        capped: passed.length === tried.length,
      };
    } finally {
      clients.close();
    }
  }
}
