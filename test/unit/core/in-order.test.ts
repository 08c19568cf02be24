import { describe, expect, it } from 'vitest';
import { deliverInOrder } from '../../../lambdas/core/delivery/in-order.ts';
import type { Deps, PostOutcome } from '../../../lambdas/core/deps.ts';
import { testConfig } from '../../helpers/config.ts';

/** A gateway that answers each frame as `answers` says (`ok` by default) and records the posts. */
function fakeDeps(answers: Record<string, PostOutcome> = {}) {
  const posted: string[] = [];
  const deleted: unknown[] = [];
  const deps = {
    config: testConfig({ DELIVERY_RETRIES: 0 }),
    now: Date.now,
    db: {
      send: async (command: { constructor: { name: string }; input: { Key?: unknown } }) => {
        if (command.constructor.name !== 'DeleteCommand') return {};
        deleted.push(command.input.Key);
        return { Attributes: { connectionId: 'c', userId: 'u', lastSeenAt: 1 } };
      },
    },
    posts: {
      post: async (_connectionId: string, frame: string) => {
        // Answered late for the first frame: the next one must still wait for it.
        if (frame === 'a') await new Promise((resolve) => setTimeout(resolve, 20));
        posted.push(frame);
        return answers[frame] ?? 'ok';
      },
    },
  } as unknown as Deps;
  return { deps, posted, deleted };
}

describe('Function: deliverInOrder', () => {
  it('posts the frames one after another in their order', async () => {
    const { deps, posted } = fakeDeps();
    const report = await deliverInOrder(deps, 'c', ['a', 'b', 'c']);
    expect(report).toEqual({ delivered: 3, skipped: 0, gone: false, removed: [] });
    expect(posted).toEqual(['a', 'b', 'c']);
  });

  it('stops at a frame that cannot be posted, so no frame arrives after a hole', async () => {
    const { deps, posted } = fakeDeps({ b: 'retryable' });
    const report = await deliverInOrder(deps, 'c', ['a', 'b', 'c']);
    expect(report).toMatchObject({ delivered: 1, skipped: 0, gone: false });
    expect(posted).toEqual(['a', 'b']);
  });

  it('skips a frame that cannot be posted when asked to, and goes on', async () => {
    const { deps, posted } = fakeDeps({ b: 'rejected' });
    const report = await deliverInOrder(deps, 'c', ['a', 'b', 'c'], { skipFailed: true });
    expect(report).toMatchObject({ delivered: 2, skipped: 1, gone: false });
    expect(posted).toEqual(['a', 'b', 'c']);
  });

  it('stops at a 410, removes the connection and reports its record', async () => {
    const { deps, posted, deleted } = fakeDeps({ b: 'gone' });
    const report = await deliverInOrder(deps, 'c', ['a', 'b', 'c'], { skipFailed: true });
    expect(report).toMatchObject({ delivered: 1, gone: true, removed: [{ connectionId: 'c', userId: 'u' }] });
    expect(posted).toEqual(['a', 'b']);
    // The connection and its last-seen record (keys.ts).
    expect(deleted).toEqual([
      { pk: 'CONN#c', sk: 'CONN' },
      { pk: 'SEEN#3', sk: 'CONN#c' },
    ]);
  });
});
