import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { startSchedule } from '../../../local/schedules/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Function: startSchedule', () => {
  it('invokes with an EventBridge Scheduled Event at each tick', async () => {
    const events: ScheduledEvent[] = [];
    const schedule = startSchedule({
      rateMs: 30,
      ruleName: 'sweep',
      invoke: async (event) => {
        events.push(event);
      },
    });
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(2));
    await schedule.stop();
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/sweep'],
      detail: {},
    });
    expect(events[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(events[0]?.id).not.toBe(events[1]?.id);
  });

  it('skips ticks while the previous invoke runs', async () => {
    let active = 0;
    let maxActive = 0;
    let invokes = 0;
    const lines: string[] = [];
    const schedule = startSchedule({
      rateMs: 20,
      log: (line) => lines.push(line),
      invoke: async () => {
        invokes += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(90);
        active -= 1;
      },
    });
    await sleep(200);
    await schedule.stop();
    expect(maxActive).toBe(1);
    expect(invokes).toBeLessThanOrEqual(3);
    expect(lines.some((line) => line.includes('skipped'))).toBe(true);
  });

  it('keeps ticking after a failed invoke and waits for the running one on stop', async () => {
    let invokes = 0;
    let finished = false;
    const schedule = startSchedule({
      rateMs: 20,
      invoke: async () => {
        invokes += 1;
        if (invokes === 1) throw new Error('first fails');
        await sleep(50);
        finished = true;
      },
    });
    await vi.waitFor(() => expect(invokes).toBe(2));
    await schedule.stop();
    expect(finished).toBe(true);
  });
});
