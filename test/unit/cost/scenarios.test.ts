import { describe, expect, it } from 'vitest';
import type { OperationCalls } from '../../../tools/bench/calls.ts';
import { assumptions } from '../../../tools/cost/assumptions.ts';
import { costOf, noUsage } from '../../../tools/cost/model.ts';
import { prices } from '../../../tools/cost/prices.ts';
import { buildScenarios, usageOf } from '../../../tools/cost/scenarios.ts';
import { measured, op } from './measured-fixtures.ts';

describe('Function: usageOf', () => {
  it('counts billed messages both ways, invocations, request units and an estimated duration', () => {
    const usage = usageOf(measured[4] as OperationCalls, assumptions, prices);
    expect(usage.wsMessages).toBe(3);
    // the client's frame and the post count against API Gateway's throttle; the reply does not
    expect(usage.apiGatewayRequests).toBe(2);
    expect(usage.lambdaRequests).toBe(1);
    expect(usage.readUnits).toBe(0.5);
    expect(usage.writeUnits).toBe(3);
    // 3 ms + 4 DynamoDB calls x 5 ms + 1 post x 12 ms / 32 in flight = 23.375 ms, billed as 24 ms of 256 MB
    expect(usage.lambdaGbSeconds).toBeCloseTo(0.024 * 0.25, 12);
  });
});

describe('Function: buildScenarios', () => {
  const scenarios = Object.fromEntries(buildScenarios(measured, assumptions, prices).map((s) => [s.name, s]));

  it('spreads connect and disconnect over the session and adds the measured heartbeat, each ping writing last-seen', () => {
    const [connection] = buildScenarios(measured, assumptions, prices, { pingsPerMinute: 0.125 });
    const minute = connection?.usage;
    expect(minute?.connectionMinutes).toBe(1);
    // (2 + 1 invocations) / 30 minutes + a ping every 8 minutes
    expect(minute?.lambdaRequests).toBeCloseTo(3 / 30 + 0.125, 12);
    // (3 + 3 WRU) / 30 + a last-seen write of 4 WRU every 8 minutes (LAST_SEEN_WRITE_INTERVAL_MS is 1)
    expect(minute?.writeUnits).toBeCloseTo(6 / 30 + 0.5, 12);
    expect(minute?.wsMessages).toBeCloseTo(0.25, 12);
    expect(connection?.basis).toContain('0.125 pings (0.125 writing last-seen)');
  });

  it('writes last-seen at most once a minute when the pings are more frequent', () => {
    const [connection] = buildScenarios(measured, assumptions, prices, { pingsPerMinute: 2 });
    expect(connection?.usage.lambdaRequests).toBeCloseTo(3 / 30 + 2, 12);
    expect(connection?.usage.writeUnits).toBeCloseTo(6 / 30 + 4, 12);
    expect(connection?.usage.wsMessages).toBe(4);
  });

  it("prices an idle connection-minute at the SDK's default heartbeat from its parts", () => {
    const [connection] = buildScenarios(measured, assumptions, prices);
    // $0.25 the minute + 0.25 messages ($0.25) + 0.225 invocations ($0.045) + 0.7 WRU ($0.4375),
    // plus 0.000406 GB-s ($0.0054): $0.988 per million
    expect(costOf(connection?.usage ?? noUsage, prices).total * 1e6).toBeCloseTo(0.988, 3);
  });

  it('prices a direct message as its send and its ack', () => {
    const direct = scenarios.direct?.usage;
    expect(direct?.wsMessages).toBe(5);
    expect(direct?.lambdaRequests).toBe(2);
    expect(direct?.writeUnits).toBe(6);
    expect(scenarios.direct?.appSync.operations).toBe(2);
  });

  it('prices a direct message with the measured ack frames: their share of each frame, and one delete per message', () => {
    const ack = op('ack (one message)', { lambda: { ack: 1 }, writes: 4, writeUnits: 4, messages: [1, 1] });
    const withDelete: OperationCalls = {
      ...ack,
      dynamodb: {
        ...ack.dynamodb,
        byOperation: { DeleteItem: { calls: 1, items: 1, capacity: 1, indexCapacity: 0 } },
      },
    };
    const ops = measured.map((o) => (o.operation.startsWith('ack') ? withDelete : o));
    const direct = buildScenarios(ops, assumptions, prices, undefined, {
      acksPerMessage: 0.25,
      repliesPerAck: 0,
      source: 'test',
    }).find((s) => s.name === 'direct');
    // send: 3 messages, 1 invocation, 3 WRU; a quarter of an ack frame (no reply, 3 WRU); 1 delete.
    expect(direct?.usage.wsMessages).toBeCloseTo(3.25, 12);
    expect(direct?.usage.lambdaRequests).toBeCloseTo(1.25, 12);
    expect(direct?.usage.writeUnits).toBeCloseTo(4.75, 12);
    expect(direct?.basis).toContain('0.25 ack frames (0 replies each)');
  });

  it('divides a room publish by the deliveries it made', () => {
    expect(scenarios['room of 10']?.usage.wsMessages).toBeCloseTo(1.2, 12);
    expect(scenarios['room of 10']?.appSync.operations).toBeCloseTo(1.1, 12);
    expect(scenarios['room of 1,000']?.usage.readUnits).toBeCloseTo(0.018, 12);
    expect(scenarios['room of 1,000']?.usage.sqsRequests).toBeCloseTo(0.003, 12);
    expect(scenarios.broadcast?.usage.readUnits).toBeCloseTo(0.032, 12);
  });

  it('prices an edit and a reaction per delivered entry when measured, and leaves their rows out otherwise', () => {
    expect(scenarios['edit, room of 10']).toBeUndefined();
    const entry = (operation: string) =>
      op(operation, {
        lambda: { edit: 1 },
        reads: 4,
        readUnits: 2,
        writes: 3,
        writeUnits: 5,
        posts: 10,
        messages: [1, 11],
      });
    const rows = buildScenarios(
      [...measured, entry('edit a message in a room of 10'), entry('react to a message in a room of 10')],
      assumptions,
      prices,
    );
    const edit = rows.find((r) => r.name === 'edit, room of 10');
    const reaction = rows.find((r) => r.name === 'reaction, room of 10');
    expect(edit?.usage.writeUnits).toBeCloseTo(0.5, 12);
    expect(edit?.usage.wsMessages).toBeCloseTo(1.2, 12);
    expect(reaction?.unit).toBe('delivered message');
    expect(reaction?.basis).toBe('react to a message in a room of 10 / 10 deliveries');
  });

  it('prices a reply in a room of 10 per delivery when it was measured, and leaves it out otherwise', () => {
    const reply = op('reply in a room of 10', {
      lambda: { publish: 1 },
      reads: 4,
      readUnits: 2,
      writes: 4,
      writeUnits: 4,
      posts: 10,
      messages: [1, 11],
    });
    const rows = buildScenarios([...measured, reply], assumptions, prices);
    const row = rows.find((s) => s.name === 'reply in a room of 10');
    expect(row?.usage.writeUnits).toBeCloseTo(0.4, 12);
    expect(row?.usage.readUnits).toBeCloseTo(0.2, 12);
    expect(row?.basis).toContain('/ 10 deliveries');
    expect(rows.map((s) => s.name).indexOf('reply in a room of 10')).toBe(
      rows.map((s) => s.name).indexOf('room of 10') + 1,
    );
    expect(Object.keys(scenarios)).not.toContain('reply in a room of 10');
  });

  it('refuses to price what was not measured', () => {
    expect(() => buildScenarios(measured.slice(0, 6), assumptions, prices)).toThrow(/npm run bench -- calls/);
  });
});
