import { describe, expect, it } from 'vitest';
import { assumptions } from '../../../tools/cost/assumptions.ts';
import { costOf, noUsage, scale, type Usage } from '../../../tools/cost/model.ts';
import { prices } from '../../../tools/cost/prices.ts';
import { quotas } from '../../../tools/cost/quotas.ts';
import {
  cellsFor,
  demandOf,
  type Load,
  planScale,
  secondsPerMonth,
  seedLoad,
  sendsPerSecond,
  usagePerSecond,
} from '../../../tools/cost/scale.ts';
import type { Scenario } from '../../../tools/cost/scenarios.ts';

/** A cost-table row with the given usage per unit. */
function scenario(name: string, usage: Partial<Usage>): Scenario {
  return {
    name,
    unit: 'unit',
    usage: { ...noUsage, ...usage },
    appSync: { operations: 0, connectionMinutes: 0 },
    basis: '',
  };
}

// A connection-minute: two pings (two requests), one last-seen write of 1 WRU, 0.0075 GB-s.
// A direct delivery: three requests, 8 WRU, 2 RRU, 0.0125 GB-s; a room delivery: 1.1 requests.
const scenarios = [
  scenario('connection', {
    connectionMinutes: 1,
    apiGatewayRequests: 2,
    writeUnits: 1,
    lambdaGbSeconds: 0.0075,
  }),
  scenario('direct', {
    wsMessages: 5,
    apiGatewayRequests: 3,
    writeUnits: 8,
    readUnits: 2,
    lambdaGbSeconds: 0.0125,
  }),
  scenario('room of 10', { wsMessages: 1.2, apiGatewayRequests: 1.1, writeUnits: 0.2, sqsRequests: 0.01 }),
];

const load: Load = {
  users: 1_000_000,
  connections: 600_000,
  deliveriesPerSecond: 100_000,
  mix: [
    { scenario: 'direct', share: 0.25, recipients: 1 },
    { scenario: 'room of 10', share: 0.75, recipients: 10 },
  ],
};

describe('Function: usagePerSecond', () => {
  it('adds the connections, a sixtieth of a minute each, to each share of the deliveries', () => {
    const usage = usagePerSecond(load, scenarios);
    // 10,000 connection-minutes a second x 2 + 25,000 direct x 3 + 75,000 room x 1.1
    expect(usage.apiGatewayRequests).toBeCloseTo(20_000 + 75_000 + 82_500, 6);
    // 10,000 x 1 + 25,000 x 8 + 75,000 x 0.2
    expect(usage.writeUnits).toBeCloseTo(225_000, 6);
    expect(usage.connectionMinutes).toBeCloseTo(10_000, 6);
  });

  it('refuses a mix whose shares do not add up to one, or that names no cost scenario', () => {
    const half = { ...load, mix: [{ scenario: 'direct', share: 0.5, recipients: 1 }] };
    expect(() => usagePerSecond(half, scenarios)).toThrow(/sum to 0.5/);
    const unknown = { ...load, mix: [{ scenario: 'room of 7', share: 1, recipients: 7 }] };
    expect(() => usagePerSecond(unknown, scenarios)).toThrow(/no cost scenario "room of 7"/);
  });
});

describe('Function: sendsPerSecond', () => {
  it('divides each share of the deliveries by the connections one send reaches', () => {
    // 25,000 direct sends + 75,000 / 10 room sends
    expect(sendsPerSecond(load)).toBe(32_500);
  });
});

describe('Function: demandOf', () => {
  it('counts a $connect per session as a request and a new connection, and concurrency by Little’s law', () => {
    const usage = { ...noUsage, apiGatewayRequests: 1_000, lambdaGbSeconds: 50 };
    const demand = demandOf(load, usage, assumptions);
    // 600,000 connections / (30 minutes x 60 s)
    expect(demand.newConnections).toBeCloseTo(600_000 / (assumptions.sessionMinutes * 60), 9);
    expect(demand.apiGatewayRequests).toBeCloseTo(1_000 + demand.newConnections, 9);
    // 50 GB-s a second of 256 MB functions is 200 running at once
    expect(demand.lambdaConcurrency).toBeCloseTo(50 / (assumptions.memoryMb / 1024), 9);
  });

  it('reopens every connection at least every 2 hours, however long sessions last', () => {
    const demand = demandOf(load, noUsage, { ...assumptions, sessionMinutes: 600 });
    // API Gateway closes a connection after 120 minutes: 600,000 / 7,200 s
    expect(demand.newConnections).toBeCloseTo(600_000 / 7_200, 9);
  });
});

describe('Function: cellsFor', () => {
  const demand = {
    apiGatewayRequests: 25_001,
    newConnections: 1_200,
    lambdaConcurrency: 900,
    dynamoDbReads: 0,
    dynamoDbWrites: 130_000,
    sqsRequests: 1e9,
  };

  it('needs as many cells as the quota that runs out first, rounded up', () => {
    // writes: 130,000 / 40,000 = 3.25, more than requests (2.5) and new connections (2.4)
    expect(cellsFor(demand, 1)).toEqual({ cells: 4, binding: 'dynamoDbWrites' });
  });

  it('divides by the raised quotas, and never needs fewer than one cell', () => {
    expect(cellsFor(demand, 10)).toEqual({ cells: 1, binding: 'apiGatewayRequests' });
    expect(cellsFor({ ...demand, apiGatewayRequests: 250_000 }, 10)).toEqual({
      cells: 3,
      binding: 'apiGatewayRequests',
    });
  });
});

describe('Function: planScale', () => {
  const plan = planScale(load, scenarios, assumptions, prices);

  it('finds the cells at default and raised quotas and the quota that binds', () => {
    // requests: 177,500 + 333 connects = 177,833 a second: 18 cells of 10,000, 2 of 100,000
    expect(plan.atDefault).toEqual({ cells: 18, binding: 'apiGatewayRequests' });
    // writes: 225,000 / 400,000 is one cell; requests need two
    expect(plan.atRaised).toEqual({ cells: 2, binding: 'apiGatewayRequests' });
    expect(plan.perRaisedCell.apiGatewayRequests).toBe(Math.ceil(plan.demand.apiGatewayRequests / 2));
    expect(plan.perRaisedCell.dynamoDbWrites).toBe(112_500);
  });

  it('bills a 730-hour month of the load and divides it by the deliveries', () => {
    const usage = usagePerSecond(load, scenarios);
    const month = costOf(scale(usage, 730 * 3600), prices);
    expect(secondsPerMonth).toBe(2_628_000);
    expect(plan.monthly.total).toBeCloseTo(month.total, 6);
    // 25,000 direct x 5 messages + 75,000 room x 1.2 at $1.00 a million, 10,000 minutes at $0.25
    expect(plan.monthly.apiGateway).toBeCloseTo(
      (((25_000 * 5 + 75_000 * 1.2) * secondsPerMonth) / 1e6) * 1.0 +
        ((10_000 * secondsPerMonth) / 1e6) * 0.25,
      4,
    );
    expect(plan.perMillionDeliveries).toBeCloseTo(month.total / ((100_000 * secondsPerMonth) / 1e6), 9);
  });

  it('says what one cell carries out of the box, idle and with the mix', () => {
    // idle: 2 requests per connection-minute plus a connect per 30 minutes against 10,000 a second
    const perConnection = 2 / 60 + 1 / (assumptions.sessionMinutes * 60);
    expect(Math.abs(plan.idleCell.connections - 10_000 / perConnection)).toBeLessThanOrEqual(1);
    expect(plan.idleCell.binding).toBe('apiGatewayRequests');
    // with the mix, the load shrunk until its requests fit 10,000 a second
    const share = quotas.apiGatewayRequests.default / plan.demand.apiGatewayRequests;
    expect(plan.mixCell.deliveriesPerSecond).toBe(Math.floor(100_000 * share));
    expect(plan.mixCell.connections).toBe(Math.floor(600_000 * share));
    expect(plan.mixCell.sendsPerSecond).toBe(Math.floor(32_500 * share));
  });

  it('names the binding quota the seed’s own mix would hit', () => {
    expect(seedLoad.mix.reduce((total, m) => total + m.share, 0)).toBeCloseTo(1, 12);
    const seed = planScale(
      seedLoad,
      [
        ...scenarios,
        scenario('room of 1,000', { apiGatewayRequests: 1 }),
        scenario('broadcast', { apiGatewayRequests: 1 }),
      ],
      assumptions,
      prices,
    );
    // 1,000,000 x (0.1 x 3 + 0.6 x 1.1 + 0.3 x 1) + 33,333 pings + 556 connects, a cell per 10,000
    expect(seed.atDefault).toEqual({ cells: 130, binding: 'apiGatewayRequests' });
  });
});
