import { describe, expect, it } from 'vitest';
import { parseDuration, parseOptions } from '../../../tools/loadtest/options.ts';
import { perUserRate, planRooms, planWorkers } from '../../../tools/loadtest/plan.ts';

const context = { url: 'ws://127.0.0.1:1', userPrefix: 'u', runId: 'x' };

describe('Function: planWorkers', () => {
  it('gives each process whole rooms and shares the rate by publishers', () => {
    const options = parseOptions([
      '--scenario',
      'room',
      '--connections',
      '10',
      '--rooms',
      '3',
      '--processes',
      '2',
      '--rate',
      '30',
    ]);
    const plans = planWorkers(options, context);
    expect(plans.map((p) => p.rooms.map((r) => r.members))).toEqual([
      [
        [0, 3, 6, 9],
        [2, 5, 8],
      ],
      [[1, 4, 7]],
    ]);
    expect(plans.map((p) => p.rate)).toEqual([20, 10]);
    expect(plans.flatMap((p) => p.connections).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps direct pairs in one process', () => {
    const options = parseOptions(['--scenario', 'direct', '--connections', '8', '--processes', '3']);
    const plans = planWorkers(options, context);
    for (const plan of plans) for (const i of plan.connections) expect(plan.connections).toContain(i ^ 1);
    expect(plans.map((p) => p.connections.length)).toEqual([4, 2, 2]);
  });

  it('names the first members of a room as its publishers', () => {
    const rooms = planRooms({ connections: 6, rooms: 2, publishers: 2 }, 'x');
    expect(rooms[0]).toEqual({ name: 'lt-x-room-0', members: [0, 2, 4], publishers: [0, 2] });
  });

  it('works out the frames per second each sending user makes', () => {
    expect(
      perUserRate(
        parseOptions(['--scenario', 'room', '--connections', '100', '--rooms', '2', '--rate', '40']),
      ),
    ).toBe(20);
    expect(perUserRate(parseOptions(['--scenario', 'direct', '--connections', '100', '--rate', '100']))).toBe(
      1,
    );
    expect(perUserRate(parseOptions(['--scenario', 'echo', '--rate', '10000']))).toBe(0);
  });
});

describe('Function: parseOptions', () => {
  it('applies the documented defaults', () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({
      scenario: 'echo',
      connections: 100,
      ramp: 200,
      durationMs: 30_000,
      rate: 200,
      size: 64,
      rooms: 1,
      publishers: 1,
      heartbeatMs: 30_000,
      drainMs: 20_000,
      processes: 1,
      tokenSecret: 'wavelet-local-development-secret',
    });
    expect(parseOptions(['--scenario', 'room', '--connections', '2000']).rooms).toBe(20);
  });

  it('rejects an odd number of connections for direct pairs and unknown scenarios', () => {
    expect(() => parseOptions(['--scenario', 'direct', '--connections', '3'])).toThrow(/even/);
    expect(() => parseOptions(['--scenario', 'chaos'])).toThrow(/one of/);
    expect(() => parseOptions(['--connections', '0'])).toThrow(/positive/);
  });

  it('reads durations in ms, seconds, minutes and hours', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('2')).toBe(2000);
    expect(() => parseDuration('soon')).toThrow(/duration/);
  });
});
