import type WebSocket from 'ws';
import { maxAckIds } from '../../protocol/limits.ts';
import { nowMs } from '../shared/clock.ts';
import { Histogram } from '../shared/histogram.ts';
import { HandshakeError, openSocket, withQuery } from '../shared/open-socket.ts';
import { createCredentialSource } from './credentials.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { GeneratorMonitor } from './generator-monitor.ts';
import type { FromWorker, WorkerProgress } from './messages.ts';
import { readData } from './payload.ts';
import type { WorkerPlan } from './plan.ts';
import { createSender, type Sender } from './senders.ts';
import { SeqLedger } from './seq-ledger.ts';
import { bump, type Tally, type WorkerResult } from './worker-result.ts';

/** One load-test connection (one user). */
export interface LoadConnection {
  readonly index: number;
  readonly userId: string;
  ws?: WebSocket;
  open: boolean;
  /** Joined room, and this connection's slot in the room's audience. */
  room?: string;
  position: number;
  /** Direct message and notification ids to acknowledge. */
  acks: string[];
  nextHeartbeatAt: number;
}

/** What a reply (or error) with a given ref settles. */
export type Pending =
  | {
      readonly kind: 'echo' | 'send' | 'publish';
      readonly key: string;
      readonly sentAt: number;
      readonly room?: string;
    }
  | { readonly kind: 'heartbeat'; readonly sentAt: number }
  | { readonly kind: 'ack' }
  | { readonly kind: 'setup'; readonly resolve: (frame: ReceivedFrame) => void };

/**
 * A frame as parsed off the socket, each field checked before use: a load test counts what the
 * server really sent (protocol's `ServerFrame` says what it should be), and API Gateway's own
 * frames arrive on the same socket.
 */
export type ReceivedFrame = Record<string, unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const setupTimeoutMs = 30_000;

/**
 * Runs one process's share of a load test: opens its connections at the ramp rate (sync, and
 * join for rooms), sends at its share of the rate for the duration, waits for deliveries still
 * under way, and accounts for every expected delivery. Every connection heartbeats.
 */
export class LoadWorker {
  readonly connections: LoadConnection[];
  readonly byIndex = new Map<number, LoadConnection>();
  readonly audiences = new Map<string, LoadConnection[]>();
  readonly ledger = new DeliveryLedger();
  readonly seqLedger = new SeqLedger();
  readonly pending = new Map<string, Pending>();
  readonly latency = new Histogram();
  private interval = new Histogram();
  private handshake = new Histogram();
  private ready = new Histogram();
  private heartbeat = new Histogram();
  readonly errors: Tally = {};
  private closeCodes: Tally = {};
  private handshakeFailures: Tally = {};
  private counters = {
    opened: 0,
    failed: 0,
    closedEarly: 0,
    received: 0,
    rejected: 0,
    heartbeats: 0,
    answered: 0,
  };
  private phase: WorkerProgress['phase'] = 'setup';
  private finishing = false;
  private refCounter = 0;
  private timers: NodeJS.Timeout[] = [];
  private monitor = new GeneratorMonitor();
  private sender: Sender;
  private firstSendAt = 0;
  private lastSendAt = 0;

  constructor(
    readonly plan: WorkerPlan,
    private emit: (message: FromWorker) => void,
  ) {
    this.connections = plan.connections.map((index) => ({
      index,
      userId: `${plan.userPrefix}${index}`,
      open: false,
      position: 0,
      acks: [],
      nextHeartbeatAt: Number.POSITIVE_INFINITY,
    }));
    for (const c of this.connections) this.byIndex.set(c.index, c);
    this.sender = createSender(this);
    this.timers.push(setInterval(() => this.sendHeartbeats(), 1000));
    this.timers.push(setInterval(() => this.flushAcks(), 250));
    this.timers.push(setInterval(() => this.reportProgress(), 1000));
  }

  nextRef(prefix: string): string {
    this.refCounter += 1;
    return `${prefix}${this.plan.worker}.${this.refCounter}`;
  }

  /** Sends a frame on an open connection; false when it is not open. */
  sendFrame(c: LoadConnection, frame: Record<string, unknown>): boolean {
    if (!c.open || !c.ws) return false;
    c.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Notes a message handed to the server, for throughput over the sending window. */
  noteSent(): void {
    const now = nowMs();
    if (this.firstSendAt === 0) this.firstSendAt = now;
    this.lastSendAt = now;
  }

  /** Notes a send the server refused: its deliveries are expected nowhere. */
  reject(key: string): void {
    this.ledger.cancel(key);
    this.counters.rejected += 1;
  }

  /** Opens every connection at the ramp rate; rooms are created by their first member's join. */
  async setup(): Promise<void> {
    const credentials = createCredentialSource(this.plan.credentials);
    const firsts = new Set(this.plan.rooms.map((r) => r.members[0]));
    const roomOf = new Map<number, string>();
    const created = new Map<string, Promise<void>>();
    const createdResolvers = new Map<string, () => void>();
    for (const room of this.plan.rooms) {
      for (const m of room.members) roomOf.set(m, room.name);
      created.set(room.name, new Promise((resolve) => createdResolvers.set(room.name, () => resolve())));
      this.audiences.set(room.name, []);
    }
    const order = [
      ...this.connections.filter((c) => firsts.has(c.index)),
      ...this.connections.filter((c) => !firsts.has(c.index)),
    ];
    const started = nowMs();
    let inFlight = 0;
    const all: Promise<void>[] = [];
    for (const [k, c] of order.entries()) {
      await sleep(started + (k * 1000) / this.plan.ramp - nowMs());
      while (inFlight >= this.plan.maxConnecting) await sleep(5);
      const room = roomOf.get(c.index);
      inFlight += 1;
      const job = this.setupConnection(c, await credentials(c.userId).catch(() => undefined), room, () =>
        room && !firsts.has(c.index) ? created.get(room) : undefined,
      ).finally(() => {
        inFlight -= 1;
        if (room && firsts.has(c.index)) createdResolvers.get(room)?.();
      });
      all.push(job);
    }
    await Promise.all(all);
  }

  private async setupConnection(
    c: LoadConnection,
    query: string | undefined,
    room: string | undefined,
    roomCreated: () => Promise<void> | undefined,
  ): Promise<void> {
    if (query === undefined) {
      this.counters.failed += 1;
      bump(this.handshakeFailures, 'CREDENTIALS');
      return;
    }
    const t0 = nowMs();
    try {
      c.ws = await openSocket(withQuery(this.plan.url, query), setupTimeoutMs);
    } catch (error) {
      this.counters.failed += 1;
      bump(this.handshakeFailures, error instanceof HandshakeError ? error.reason : String(error));
      return;
    }
    this.handshake.record((nowMs() - t0) * 1000);
    this.counters.opened += 1;
    c.open = true;
    c.nextHeartbeatAt = nowMs() + this.plan.heartbeatMs;
    c.ws.on('message', (data) => this.onFrame(c, String(data)));
    c.ws.on('error', (error: NodeJS.ErrnoException) =>
      bump(this.errors, `SOCKET ${error.code ?? error.message}`),
    );
    c.ws.on('close', (code) => {
      c.open = false;
      if (this.finishing) return;
      this.counters.closedEarly += 1;
      bump(this.closeCodes, String(code));
    });
    // The server cannot post during $connect: what waited for this user comes with sync.
    await this.request(c, { action: 'sync' });
    if (room) {
      await roomCreated();
      const reply = await this.request(c, { action: 'join', room });
      if (reply.type === 'reply') {
        const audience = this.audiences.get(room) ?? [];
        c.room = room;
        c.position = audience.length;
        audience.push(c);
        this.seqLedger.subscribe(room, c.index);
      }
    }
    this.ready.record((nowMs() - t0) * 1000);
  }

  /** Sends a set-up frame with a ref and waits for its reply or error (or a timeout). */
  private request(c: LoadConnection, frame: Record<string, unknown>): Promise<ReceivedFrame> {
    const ref = this.nextRef('s');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        bump(this.errors, `TIMEOUT ${frame.action}`);
        resolve({ type: 'timeout' });
      }, setupTimeoutMs);
      this.pending.set(ref, {
        kind: 'setup',
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      });
      if (!this.sendFrame(c, { ...frame, ref })) {
        this.pending.delete(ref);
        clearTimeout(timer);
        resolve({ type: 'closed' });
      }
    });
  }

  /** Sends at the plan's rate from `startAt` for the duration: exactly rate × duration messages. */
  async run(startAt: number): Promise<void> {
    await sleep(startAt - nowMs());
    this.phase = 'sending';
    this.sender.start();
    const total = Math.floor((this.plan.rate * this.plan.durationMs) / 1000);
    let sent = 0;
    const end = startAt + this.plan.durationMs;
    while (nowMs() < end || sent < total) {
      const due = Math.min(total, Math.floor(((nowMs() - startAt) * this.plan.rate) / 1000));
      // A burst is capped so a stalled loop catches up over several ticks, not in one block.
      for (let n = 0; sent < due && n < 2000; n++) {
        if (!this.sender.sendOne()) break;
        sent += 1;
      }
      if (nowMs() >= end + this.plan.drainMs) break; // the sender cannot keep up: stop trying
      await sleep(sent < due ? 1 : 10);
    }
  }

  /** Waits until every expected delivery and reply arrived, or the drain time ran out. */
  async drain(): Promise<void> {
    this.phase = 'draining';
    const deadline = nowMs() + this.plan.drainMs;
    while (nowMs() < deadline && (this.ledger.pending > 0 || this.sender.outstanding() > 0)) await sleep(50);
  }

  /** Acknowledges what is left, closes every socket and returns what was measured. */
  async finish(): Promise<WorkerResult> {
    this.phase = 'closing';
    this.flushAcks();
    const ackDeadline = nowMs() + 2000;
    while (nowMs() < ackDeadline && [...this.pending.values()].some((p) => p.kind === 'ack')) await sleep(20);
    const openAtEnd = this.connections.filter((c) => c.open).length;
    this.finishing = true;
    for (const t of this.timers) clearInterval(t);
    await this.closeAll();
    this.monitor.stop();
    const deliveries = this.ledger.counts();
    return {
      worker: this.plan.worker,
      connections: {
        planned: this.connections.length,
        opened: this.counters.opened,
        failed: this.counters.failed,
        openAtEnd,
        closedEarly: this.counters.closedEarly,
      },
      handshakeUs: this.handshake.snapshot(),
      readyUs: this.ready.snapshot(),
      latencyUs: this.latency.snapshot(),
      heartbeatUs: this.heartbeat.snapshot(),
      sent: this.sender.sent,
      rejected: this.counters.rejected,
      received: this.counters.received,
      sendWindowMs: this.lastSendAt - this.firstSendAt,
      deliveries,
      seq: this.plan.scenario === 'room' ? this.seqLedger.counts() : undefined,
      errors: this.errors,
      closeCodes: this.closeCodes,
      handshakeFailures: this.handshakeFailures,
      heartbeats: { sent: this.counters.heartbeats, answered: this.counters.answered },
      generator: this.monitor.summary(this.plan.worker),
    };
  }

  private async closeAll(): Promise<void> {
    const closing = this.connections
      .filter((c) => c.ws && c.ws.readyState !== c.ws.CLOSED)
      .map(
        (c) =>
          new Promise<void>((resolve) => {
            const ws = c.ws as WebSocket;
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 5000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1000, 'load test done');
          }),
      );
    await Promise.all(closing);
    await this.sender.stop();
  }

  private onFrame(c: LoadConnection, text: string): void {
    let frame: ReceivedFrame;
    try {
      frame = JSON.parse(text);
    } catch {
      bump(this.errors, 'NOT_JSON');
      return;
    }
    switch (frame.type) {
      case 'message':
      case 'notification':
        this.onMessage(c, frame);
        return;
      case 'reply':
        this.onReply(frame);
        return;
      case 'error':
        this.onError(frame);
        return;
      case 'pong':
      case 'event':
        return;
      default:
        // API Gateway's own frames: {"message": "Forbidden" | "Internal server error", ...}.
        bump(this.errors, typeof frame.message === 'string' ? `GATEWAY ${frame.message}` : 'UNKNOWN_FRAME');
    }
  }

  private onMessage(c: LoadConnection, frame: ReceivedFrame): void {
    const now = nowMs();
    // Direct messages and notifications stay in the inbox until acknowledged.
    if (frame.room === undefined && typeof frame.id === 'string') c.acks.push(frame.id);
    const data = readData(frame.data);
    if (!data) return;
    this.counters.received += 1;
    // A connection whose join failed (or timed out, yet went through) is outside the audience:
    // what it receives is unexpected, not a duplicate at someone else's position.
    const inAudience = frame.room === undefined || frame.room === c.room;
    if (inAudience && typeof frame.room === 'string' && typeof frame.seq === 'number') {
      this.seqLedger.receive(frame.room, c.index, frame.seq);
    }
    const position = !inAudience ? -1 : typeof frame.room === 'string' ? c.position : 0;
    if (this.ledger.receive(data.key, position) === 'first') this.recordLatency(now - data.sentAt);
  }

  recordLatency(ms: number): void {
    this.latency.record(ms * 1000);
    this.interval.record(ms * 1000);
  }

  private onReply(frame: ReceivedFrame): void {
    const ref = String(frame.ref);
    const p = this.pending.get(ref);
    if (!p) return;
    this.pending.delete(ref);
    const result = (frame.result ?? {}) as Record<string, unknown>;
    if (p.kind === 'setup') p.resolve(frame);
    else if (p.kind === 'heartbeat') {
      this.counters.answered += 1;
      this.heartbeat.record((nowMs() - p.sentAt) * 1000);
    } else if (p.kind === 'echo') {
      if (this.ledger.receive(p.key, 0) === 'first') this.recordLatency(nowMs() - p.sentAt);
      this.counters.received += 1;
    } else if (p.kind === 'publish' && p.room && typeof result.seq === 'number') {
      this.seqLedger.issued(p.room, result.seq);
    }
  }

  private onError(frame: ReceivedFrame): void {
    bump(this.errors, String(frame.code ?? 'UNKNOWN'));
    const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
    const p = ref ? this.pending.get(ref) : undefined;
    if (!ref || !p) return;
    this.pending.delete(ref);
    if (p.kind === 'setup') p.resolve(frame);
    else if (p.kind === 'echo' || p.kind === 'send' || p.kind === 'publish') this.reject(p.key);
  }

  private sendHeartbeats(): void {
    const now = nowMs();
    for (const c of this.connections) {
      if (!c.open || now < c.nextHeartbeatAt) continue;
      c.nextHeartbeatAt = now + this.plan.heartbeatMs;
      const ref = this.nextRef('h');
      this.pending.set(ref, { kind: 'heartbeat', sentAt: now });
      if (this.sendFrame(c, { action: 'ping', ref })) this.counters.heartbeats += 1;
      else this.pending.delete(ref);
    }
  }

  private flushAcks(): void {
    for (const c of this.connections) {
      while (c.acks.length > 0 && c.open) {
        const ref = this.nextRef('a');
        this.pending.set(ref, { kind: 'ack' });
        this.sendFrame(c, { action: 'ack', ids: c.acks.splice(0, maxAckIds), ref });
      }
    }
  }

  private reportProgress(): void {
    this.emit({
      type: 'progress',
      progress: {
        worker: this.plan.worker,
        phase: this.phase,
        open: this.connections.reduce((n, c) => n + (c.open ? 1 : 0), 0),
        sent: this.sender.sent,
        received: this.counters.received,
        errors: Object.values(this.errors).reduce((a, b) => a + b, 0),
        interval: this.interval.snapshot(),
        lagP99Ms: this.monitor.lagP99Ms(),
      },
    });
    this.interval.reset();
  }
}
