import { describe, expect, it } from 'vitest';
import { assumptions } from '../../../tools/cost/assumptions.ts';
import { prices } from '../../../tools/cost/prices.ts';
import { priceProposals, proposalsReport } from '../../../tools/cost/proposals.ts';
import { measured } from './measured-fixtures.ts';

const heartbeat = { pingsPerMinute: 0.125 };
const acks = { acksPerMessage: 0.4, repliesPerAck: 0, source: 'test' };
const rows = Object.fromEntries(
  priceProposals(measured, { assumptions, prices, heartbeat, acks }).map((row) => [row.name, row]),
);
const message = prices.apiGatewayWebSocket.perMillionMessages / 1e6;
const writeUnit = prices.dynamoDbOnDemand.perMillionWriteRequestUnits / 1e6;
const today = rows.today?.cost;
/** How much a row saves on each target against today. */
const saved = (name: string) => {
  const cost = rows[name]?.cost;
  if (!today || !cost) throw new Error(`no row ${name}`);
  return {
    connection: today.connection - cost.connection,
    direct: today.direct - cost.direct,
    room: today['room of 10'] - cost['room of 10'],
  };
};

describe('Function: priceProposals', () => {
  it('prices a one-way keep-alive as one billed message fewer per ping, on the connection only', () => {
    const s = saved('one-way keep-alive');
    expect(s.connection).toBeCloseTo(0.125 * message, 15);
    expect(s.direct).toBe(0);
    expect(s.room).toBe(0);
  });

  it('prices a send answered on error only as one billed message fewer per direct message', () => {
    const s = saved('send answered on error only');
    expect(s.direct).toBeCloseTo(message, 15);
    expect(s.connection).toBe(0);
    expect(s.room).toBe(0);
  });

  it("prices a publish confirmed by its echo as its reply shared by the room's 10 deliveries", () => {
    const s = saved('publish confirmed by its echo');
    expect(s.room).toBeCloseTo(message / 10, 15);
    expect(s.direct).toBe(0);
  });

  it('prices the idempotency fold as one write unit fewer per direct message', () => {
    const s = saved('idempotency claim and completion in one write');
    // one write unit and the 5 ms of the DynamoDB call it no longer makes (not billed at this size)
    expect(s.direct).toBeGreaterThanOrEqual(writeUnit - 1e-15);
    expect(s.direct).toBeLessThan(writeUnit + 0.1 * message);
  });

  it('refuses operations that lack one a change applies to, rather than printing today again', () => {
    const renamed = measured.map((op) =>
      op.operation.startsWith('send a direct message') ? { ...op, operation: 'send (renamed)' } : op,
    );
    expect(() => priceProposals(renamed, { assumptions, prices, heartbeat, acks })).toThrow(
      'no measured operation "send a direct message…" to change',
    );
  });

  it('adds the changes up, the protocol ones apart from the server one', () => {
    const protocol = saved('the protocol changes together');
    expect(protocol.connection).toBeCloseTo(0.125 * message, 15);
    expect(protocol.direct).toBeCloseTo(message, 15);
    expect(protocol.room).toBeCloseTo(message / 10, 15);
    const all = saved('all together');
    expect(all.direct).toBeCloseTo(
      protocol.direct + saved('idempotency claim and completion in one write').direct,
      15,
    );
  });
});

describe('Function: proposalsReport', () => {
  it('prints the targets, each change with its kind, and marks a figure that meets its target', () => {
    const text = proposalsReport(
      [
        { name: 'today', cost: { connection: 0.8e-6, direct: 8e-6, 'room of 10': 1.3e-6 } },
        {
          name: 'a change',
          kind: 'protocol',
          cost: { connection: 0.69e-6, direct: 8e-6, 'room of 10': 1.2e-6 },
        },
      ],
      false,
    );
    const lines = text.split('\n');
    expect(lines.find((l) => l.startsWith('target'))).toMatch(/\$0\.7 +\$5\.00 +\$1\.20/);
    expect(lines.find((l) => l.startsWith('today'))).not.toContain('(met)');
    const change = lines.find((l) => l.startsWith('a change')) ?? '';
    expect(change).toMatch(/protocol +\$0\.69 \(met\) +\$8\.00 +\$1\.20 \(met\)/);
    expect(text).toContain('- one-way keep-alive (protocol): ');
  });
});
