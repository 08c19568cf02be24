import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Metrics read their settings when the module loads: these come first (vi.hoisted runs before imports).
vi.hoisted(() => {
  process.env.STAGE = 'unit';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'WaveletUnit';
  process.env.POWERTOOLS_SERVICE_NAME = 'wavelet';
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

import { deliverToShard } from '../../../lambdas/core/delivery/broadcast.ts';
import { deliverToConnections, deliverToUsers } from '../../../lambdas/core/delivery/deliver.ts';
import { deliverInOrder } from '../../../lambdas/core/delivery/in-order.ts';
import { deliverToRoom } from '../../../lambdas/core/delivery/room.ts';
import type { Deps, PostOutcome } from '../../../lambdas/core/deps.ts';
import { flushMetrics } from '../../../lambdas/core/metrics.ts';
import { sendDirectMessage, syncInbox } from '../../../lambdas/core/services/direct-messages.ts';
import { testConfig } from '../../helpers/config.ts';
import { captureEmf } from './emf-capture.ts';

const emf = captureEmf();
beforeEach(() => {
  flushMetrics();
  emf.clear();
});
afterAll(() => emf.restore());

interface FakeOptions {
  /** Query pages, in order. */
  readonly pages?: Record<string, unknown>[];
  /** The connections each user's live-presence item counts. */
  readonly live?: Record<string, string[]>;
  /** What the gateway answers a post to each connection, in turn. @default 'ok' */
  readonly answers?: Record<string, PostOutcome[]>;
  /** The clock, moved on by each post. */
  readonly clock?: { t: number; perPost: number };
  readonly retries?: number;
}

/**
 * Fake clients: the table answers Queries from `pages` and live-presence reads from `live`;
 * posts answer from `answers`.
 */
function fakeDeps(options: FakeOptions = {}): Deps {
  const pages = [...(options.pages ?? [])];
  const answers = Object.fromEntries(Object.entries(options.answers ?? {}).map(([k, v]) => [k, [...v]]));
  const clock = options.clock;
  return {
    config: testConfig({ DELIVERY_RETRIES: options.retries ?? 0, DELIVERY_BACKOFF_MS: 1 }),
    db: {
      send: async (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }) => {
        const { name } = command.constructor;
        if (name === 'QueryCommand') return pages.shift() ?? { Items: [] };
        const pk = command.input.Key?.pk;
        if (name === 'GetCommand' && pk?.startsWith('LIVE#')) {
          const conns = options.live?.[pk.slice('LIVE#'.length)];
          return { Item: conns ? { conns: new Set(conns) } : undefined };
        }
        if (name === 'DeleteCommand') return { Attributes: undefined };
        return {};
      },
    },
    sqs: { send: async () => ({ Failed: [] }) },
    posts: {
      post: async (connectionId: string) => {
        if (clock) clock.t += clock.perPost;
        return answers[connectionId]?.shift() ?? 'ok';
      },
    },
    now: clock ? () => clock.t : Date.now,
  } as unknown as Deps;
}

const common = { service: 'wavelet', stage: 'unit' };

describe('Metric: Deliveries', () => {
  it('counts each post by outcome (ok, gone, rejected) and each retry, in one document per outcome', async () => {
    const deps = fakeDeps({
      retries: 2,
      answers: { gone: ['gone'], refused: ['rejected'], busy: ['retryable', 'retryable', 'ok'] },
    });
    await deliverToConnections(deps, 'frame', ['a', 'b', 'gone', 'refused', 'busy'], { inlineOnly: true });
    flushMetrics();
    const byOutcome = Object.fromEntries(emf.named('Deliveries').map((m) => [m.dimensions.outcome, m]));
    expect(Object.keys(byOutcome).sort()).toEqual(['gone', 'ok', 'rejected', 'retried']);
    expect(byOutcome.ok).toEqual({
      namespace: 'WaveletUnit',
      name: 'Deliveries',
      unit: 'Count',
      value: 3,
      dimensions: { ...common, outcome: 'ok' },
    });
    expect(byOutcome.gone?.value).toBe(1);
    expect(byOutcome.rejected?.value).toBe(1);
    expect(byOutcome.retried?.value).toBe(2);
  });

  it('counts the connections whose retries ran out as handed_off once they are queued again', async () => {
    const deps = fakeDeps({ answers: { x: ['retryable'], y: ['retryable'] } });
    await deliverToConnections(deps, 'frame', ['x', 'y', 'z'], { inlineOnly: true });
    flushMetrics();
    expect(emf.named('Deliveries').map((m) => [m.dimensions.outcome, m.value])).toEqual([
      ['ok', 1],
      ['handed_off', 2],
    ]);
  });

  it('counts abandoned posts after the last hand-off and in an ordered delivery, never handed_off', async () => {
    await deliverToConnections(fakeDeps({ answers: { x: ['retryable'] } }), 'frame', ['x'], {
      inlineOnly: true,
      attempt: 5,
    });
    await deliverInOrder(fakeDeps({ answers: { c: ['ok', 'retryable', 'ok'] } }), 'c', ['1', '2', '3'], {
      skipFailed: true,
    });
    flushMetrics();
    expect(emf.named('Deliveries').map((m) => [m.dimensions.outcome, m.value])).toEqual([
      ['abandoned', 2],
      ['ok', 2],
    ]);
  });

  it('counts nothing for a fan-out cut into queue shards: the workers count their posts', async () => {
    const deps = fakeDeps();
    const ids = Array.from({ length: deps.config.DELIVERY_INLINE_MAX + 1 }, (_, i) => `c${i}`);
    const report = await deliverToConnections(deps, 'frame', ids);
    expect(report.sharded).toBe(ids.length);
    flushMetrics();
    expect(emf.named('Deliveries')).toEqual([]);
  });
});

describe('Metric: FanoutRecipients and FanoutDuration', () => {
  const fanoutOf = (kind: string) => ({
    recipients: emf.named('FanoutRecipients').filter((m) => m.dimensions.kind === kind),
    duration: emf.named('FanoutDuration').filter((m) => m.dimensions.kind === kind),
  });

  it('records one room fan-out with its subscribers (but the sender) and its time', async () => {
    const clock = { t: 1_000, perPost: 5 };
    const deps = fakeDeps({
      clock,
      pages: [
        { Items: [{ connectionId: 'a' }, { connectionId: 'me' }], LastEvaluatedKey: { pk: 'x' } },
        { Items: [{ connectionId: 'b' }, { connectionId: 'c' }] },
      ],
    });
    await deliverToRoom(deps, 'r1', 'frame', { exceptConnectionId: 'me' });
    flushMetrics();
    const { recipients, duration } = fanoutOf('room');
    expect(recipients).toEqual([
      {
        namespace: 'WaveletUnit',
        name: 'FanoutRecipients',
        unit: 'None',
        value: 3,
        dimensions: { ...common, kind: 'room' },
      },
    ]);
    expect(duration).toEqual([
      expect.objectContaining({ unit: 'Milliseconds', value: 15, dimensions: { ...common, kind: 'room' } }),
    ]);
  });

  it('records a user fan-out with the distinct connections of the users', async () => {
    const deps = fakeDeps({
      clock: { t: 0, perPost: 2 },
      live: { ann: ['a1', 'a2'], bob: ['b1'] },
    });
    await deliverToUsers(deps, 'frame', ['ann', 'bob', 'ann']);
    flushMetrics();
    const { recipients, duration } = fanoutOf('user');
    expect(recipients.map((m) => m.value)).toEqual([3]);
    expect(duration.map((m) => m.value)).toEqual([6]);
  });

  it('records a direct message as a user fan-out to the recipient’s connections', async () => {
    const deps = fakeDeps({ live: { bob: ['b1', 'b2'] } });
    await sendDirectMessage(deps, { from: 'ann', to: 'bob', data: 'hi' });
    flushMetrics();
    expect(fanoutOf('user').recipients.map((m) => m.value)).toEqual([2]);
  });

  it('records each broadcast shard run as one broadcast fan-out', async () => {
    const deps = fakeDeps({
      clock: { t: 0, perPost: 1 },
      pages: [
        { Items: [{ connectionId: 'a' }, { connectionId: 'b' }], LastEvaluatedKey: { pk: 'x' } },
        { Items: [{ connectionId: 'c' }] },
      ],
    });
    await deliverToShard(deps, { type: 'shard', frame: 'f', shard: 0 });
    flushMetrics();
    const { recipients, duration } = fanoutOf('broadcast');
    expect(recipients.map((m) => m.value)).toEqual([3]);
    expect(duration.map((m) => m.value)).toEqual([3]);
  });

  it('keeps every value of a size in one invocation, one per fan-out', async () => {
    for (const n of [1, 2]) {
      const items = Array.from({ length: n }, (_, i) => ({ connectionId: `c${i}` }));
      await deliverToRoom(fakeDeps({ pages: [{ Items: items }] }), 'r', 'frame');
    }
    flushMetrics();
    expect(fanoutOf('room').recipients.map((m) => m.value)).toEqual([[1, 2]]);
  });
});

describe('Metric: InboxDepth', () => {
  it('records the entries a sync found waiting', async () => {
    const entry = (id: string) => ({ messageId: id, frame: `{"id":"${id}"}`, expiresAt: 9e9 });
    const deps = fakeDeps({ pages: [{ Items: [entry('m1'), entry('m2'), entry('m3')] }] });
    await syncInbox(deps, { userId: 'ann', connectionId: 'c1' });
    flushMetrics();
    expect(emf.named('InboxDepth')).toEqual([
      { namespace: 'WaveletUnit', name: 'InboxDepth', unit: 'None', value: 3, dimensions: common },
    ]);
  });
});

describe('Metric: InternalErrors (best-effort steps)', () => {
  it('counts a gone connection whose removal failed, and still reports the delivery', async () => {
    const deps = fakeDeps({ answers: { gone: ['gone'] } });
    (deps.db as { send: unknown }).send = async () => {
      throw new Error('table unavailable');
    };
    const report = await deliverToConnections(deps, 'frame', ['gone'], { inlineOnly: true });
    expect(report.gone).toBe(1);
    flushMetrics();
    expect(emf.named('InternalErrors')).toEqual([
      { namespace: 'WaveletUnit', name: 'InternalErrors', unit: 'Count', value: 1, dimensions: common },
    ]);
  });
});
