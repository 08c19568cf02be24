import type { Assumptions } from './assumptions.ts';
import { type Cost, costOf, scale, sum, type Usage } from './model.ts';
import type { Prices } from './prices.ts';
import { type QuotaName, quotas, raiseFactor, webSocketLimits } from './quotas.ts';
import type { Scenario } from './scenarios.ts';

/** A load to carry: people, connections held at once, and deliveries a second split by kind. */
export interface Load {
  readonly users: number;
  readonly connections: number;
  /** Frames reaching a connection per second, all kinds together. */
  readonly deliveriesPerSecond: number;
  /** How the deliveries split; the shares sum to 1. */
  readonly mix: readonly MixPart[];
}

/** One kind of message in the mix. */
export interface MixPart {
  /** The cost-table scenario it is priced as (`direct`, `room of 10`, …). */
  readonly scenario: string;
  /** Its share of the deliveries. */
  readonly share: number;
  /** Connections one message reaches: the deliveries of one send. */
  readonly recipients: number;
}

/**
 * The seed's scenario. The mix is of deliveries, not of sends: a chat product where most
 * traffic is small groups (60% of deliveries in rooms of 10), a tenth is one-to-one (100,000
 * direct messages a second, one every 10 s per online user: a busy messenger), live rooms of
 * 1,000 carry most of the rest, and 1% is broadcasts (10,000 a second: one notice to all 1,000,000
 * connections every 100 s). Direct messages cost the most requests and writes per delivery, so
 * their share moves the answer most: `npm run cost -- scale` prints the mix it used.
 */
export const seedLoad: Load = {
  users: 10_000_000,
  connections: 1_000_000,
  deliveriesPerSecond: 1_000_000,
  mix: [
    { scenario: 'direct', share: 0.1, recipients: 1 },
    { scenario: 'room of 10', share: 0.6, recipients: 10 },
    { scenario: 'room of 1,000', share: 0.29, recipients: 1_000 },
    { scenario: 'broadcast', share: 0.01, recipients: 1_000_000 },
  ],
};

/** Messages sent per second (each reaching `recipients` connections). */
export function sendsPerSecond(load: Load): number {
  return load.mix.reduce((total, m) => total + (load.deliveriesPerSecond * m.share) / m.recipients, 0);
}

/** Seconds in the month AWS prices by (730 hours). */
export const secondsPerMonth = 730 * 3600;

/** What a load asks of each quota, per second (Lambda: executions at once). */
export type Demand = Readonly<Record<QuotaName, number>>;

/** The load's AWS usage in one second, from the cost table's per-unit usage. */
export function usagePerSecond(load: Load, scenarios: readonly Scenario[]): Usage {
  const find = (name: string) => {
    const s = scenarios.find((x) => x.name === name);
    if (!s) throw new Error(`no cost scenario "${name}" for the mix`);
    return s.usage;
  };
  const shares = load.mix.reduce((total, m) => total + m.share, 0);
  if (Math.abs(shares - 1) > 1e-9) throw new Error(`the mix's shares sum to ${shares}, not 1`);
  return sum(
    scale(find('connection'), load.connections / 60),
    ...load.mix.map((m) => scale(find(m.scenario), load.deliveriesPerSecond * m.share)),
  );
}

/**
 * What the load asks of each quota. A `$connect` is one request and one new connection; a
 * connection is opened once per session (API Gateway closes it after 2 hours at the latest).
 * Concurrency is GB-seconds per second over each function's memory (Little's law).
 */
export function demandOf(
  load: Load,
  usage: Usage,
  assumptions: { readonly sessionMinutes: number; readonly memoryMb: number },
): Demand {
  const session = Math.min(assumptions.sessionMinutes, webSocketLimits.connectionMinutes);
  const newConnections = load.connections / (session * 60);
  return {
    apiGatewayRequests: usage.apiGatewayRequests + newConnections,
    newConnections,
    lambdaConcurrency: usage.lambdaGbSeconds / (assumptions.memoryMb / 1024),
    dynamoDbReads: usage.readUnits,
    dynamoDbWrites: usage.writeUnits,
    sqsRequests: usage.sqsRequests,
  };
}

/** How many cells the demand needs with every quota at `factor` times its default, and which quota decides. */
export function cellsFor(demand: Demand, factor: number): { cells: number; binding: QuotaName } {
  let cells = 1;
  let binding: QuotaName = 'apiGatewayRequests';
  for (const name of Object.keys(quotas) as QuotaName[]) {
    const needed = Math.ceil(demand[name] / (quotas[name].default * factor));
    if (needed > cells) {
      cells = needed;
      binding = name;
    }
  }
  return { cells, binding };
}

/**
 * The largest share of `load` one cell carries at default quotas (1 when it carries it all),
 * and the quota that stops it.
 */
export function cellCapacity(demand: Demand): { share: number; binding: QuotaName } {
  let share = Number.POSITIVE_INFINITY;
  let binding: QuotaName = 'apiGatewayRequests';
  for (const name of Object.keys(quotas) as QuotaName[]) {
    const s = quotas[name].default / demand[name];
    if (s < share) {
      share = s;
      binding = name;
    }
  }
  return { share, binding };
}

export interface ScalePlan {
  readonly load: Load;
  readonly demand: Demand;
  readonly atDefault: { readonly cells: number; readonly binding: QuotaName };
  readonly atRaised: { readonly cells: number; readonly binding: QuotaName };
  /** Per cell at the raised cell count: each quota must be at least this (rounded up). */
  readonly perRaisedCell: Demand;
  readonly monthly: Cost;
  /** Dollars per million delivered messages, connections' share included. */
  readonly perMillionDeliveries: number;
  /** What one cell carries at default quotas: the load with no messages, and the mix. */
  readonly idleCell: { readonly connections: number; readonly binding: QuotaName };
  readonly mixCell: {
    readonly connections: number;
    readonly sendsPerSecond: number;
    readonly deliveriesPerSecond: number;
    readonly binding: QuotaName;
  };
}

/** Prices `load` against the quotas: cells at default and raised quotas, the raises, the monthly bill. */
export function planScale(
  load: Load,
  scenarios: readonly Scenario[],
  assumptions: Assumptions,
  prices: Prices,
): ScalePlan {
  const usage = usagePerSecond(load, scenarios);
  const demand = demandOf(load, usage, assumptions);
  const atRaised = cellsFor(demand, raiseFactor);
  const perRaisedCell = Object.fromEntries(
    Object.entries(demand).map(([k, v]) => [k, Math.ceil(v / atRaised.cells)]),
  ) as Demand;
  const monthly = costOf(scale(usage, secondsPerMonth), prices);
  const idleLoad = { ...load, deliveriesPerSecond: 0 };
  const idle = cellCapacity(demandOf(idleLoad, usagePerSecond(idleLoad, scenarios), assumptions));
  const mix = cellCapacity(demand);
  return {
    load,
    demand,
    atDefault: cellsFor(demand, 1),
    atRaised,
    perRaisedCell,
    monthly,
    perMillionDeliveries: monthly.total / ((load.deliveriesPerSecond * secondsPerMonth) / 1e6),
    idleCell: { connections: Math.floor(load.connections * idle.share), binding: idle.binding },
    mixCell: {
      connections: Math.floor(load.connections * mix.share),
      sendsPerSecond: Math.floor(sendsPerSecond(load) * mix.share),
      deliveriesPerSecond: Math.floor(load.deliveriesPerSecond * mix.share),
      binding: mix.binding,
    },
  };
}
