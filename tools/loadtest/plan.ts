import type { LoadTestOptions, Scenario } from './options.ts';

/** A room and its members, by global connection index (members[0] joins first and creates it). */
export interface RoomPlan {
  readonly name: string;
  readonly members: readonly number[];
  readonly publishers: readonly number[];
}

/** One process's share of the run: whole rooms and whole pairs, so each share accounts for itself. */
export interface WorkerPlan {
  readonly worker: number;
  readonly scenario: Scenario;
  readonly url: string;
  /** Global connection indices (user `userPrefix + index`, one connection each). */
  readonly connections: readonly number[];
  readonly rooms: readonly RoomPlan[];
  readonly userPrefix: string;
  readonly ramp: number;
  readonly maxConnecting: number;
  readonly rate: number;
  readonly size: number;
  readonly durationMs: number;
  readonly heartbeatMs: number;
  readonly drainMs: number;
  readonly credentials: {
    readonly tokenSecret: string;
    readonly tokenCmd?: string;
    readonly ticketsUrl?: string;
  };
  readonly sqs?: { readonly queueUrl: string; readonly endpoint?: string; readonly region: string };
}

export interface PlanContext {
  readonly url: string;
  readonly userPrefix: string;
  readonly runId: string;
  readonly sqs?: WorkerPlan['sqs'];
}

/** Room r holds the connections i with i % rooms === r; its first `publishers` members publish. */
export function planRooms(
  options: Pick<LoadTestOptions, 'connections' | 'rooms' | 'publishers'>,
  runId: string,
) {
  const rooms: RoomPlan[] = [];
  for (let r = 0; r < options.rooms; r++) {
    const members: number[] = [];
    for (let i = r; i < options.connections; i += options.rooms) members.push(i);
    rooms.push({ name: `lt-${runId}-room-${r}`, members, publishers: members.slice(0, options.publishers) });
  }
  return rooms;
}

/**
 * Splits the run over `options.processes` workers. Rooms go whole to one worker (round robin),
 * direct pairs (2k, 2k+1) too, so every message's audience lives in the process that sent it.
 * Rate and ramp are shared in proportion to each worker's senders and connections.
 */
export function planWorkers(options: LoadTestOptions, context: PlanContext): WorkerPlan[] {
  const n = options.processes;
  const allRooms = options.scenario === 'room' ? planRooms(options, context.runId) : [];
  const senders = (plan: { connections: number[]; rooms: RoomPlan[] }) =>
    options.scenario === 'room'
      ? plan.rooms.reduce((sum, room) => sum + room.publishers.length, 0)
      : plan.connections.length;
  const shares = Array.from({ length: n }, () => ({ connections: [] as number[], rooms: [] as RoomPlan[] }));
  if (options.scenario === 'room') {
    allRooms.forEach((room, r) => {
      const share = shares[r % n] as (typeof shares)[number];
      share.rooms.push(room);
      share.connections.push(...room.members);
    });
  } else {
    const unit = options.scenario === 'direct' ? 2 : 1;
    for (let i = 0; i < options.connections; i++) shares[Math.floor(i / unit) % n]?.connections.push(i);
  }
  const totalSenders = shares.reduce((sum, share) => sum + senders(share), 0) || 1;
  return shares.map((share, worker) => ({
    worker,
    scenario: options.scenario,
    url: context.url,
    connections: share.connections,
    rooms: share.rooms,
    userPrefix: context.userPrefix,
    ramp: (options.ramp * share.connections.length) / options.connections,
    maxConnecting: options.maxConnecting,
    rate: (options.rate * senders(share)) / totalSenders,
    size: options.size,
    durationMs: options.durationMs,
    heartbeatMs: options.heartbeatMs,
    drainMs: options.drainMs,
    credentials: {
      tokenSecret: options.tokenSecret,
      tokenCmd: options.tokenCmd,
      ticketsUrl: options.ticketsUrl,
    },
    sqs: context.sqs,
  }));
}

/** Frames per second each sending user makes in the scenario (the server limits 20/s, burst 40). */
export function perUserRate(options: LoadTestOptions): number {
  if (options.scenario === 'room') return options.rate / (options.rooms * options.publishers);
  if (options.scenario === 'direct') return options.rate / options.connections;
  return 0; // echo (ping is not limited), notify (sent through SQS), idle
}
