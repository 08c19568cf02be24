import { describe, expect, it } from 'vitest';
import type { Departure } from '../../../lambdas/core/delivery/records.ts';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { announceDeparture, queueDepartures } from '../../../lambdas/core/services/departures.ts';
import type { RemovedConnection } from '../../../lambdas/core/store/connections.ts';
import { testConfig } from '../../helpers/config.ts';

/**
 * A table holding room `r` with one subscriber, `watcher`, and remembering conditional puts (the
 * departure claims); a queue that answers or fails; posts recorded.
 */
function fakeDeps(options: { queueFails?: boolean } = {}) {
  const posts: { connectionId: string; frame: Record<string, unknown> }[] = [];
  const claimed = new Set<string>();
  const deps = {
    config: testConfig(),
    db: {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const { name } = command.constructor;
        if (name === 'GetCommand')
          return { Item: { roomId: 'r', roomType: 'public', memberCount: 2, epoch: 1 } };
        if (name === 'QueryCommand') return { Items: [{ connectionId: 'watcher', userId: 'w' }] };
        if (name === 'PutCommand') {
          const { pk, sk } = command.input.Item as { pk: string; sk: string };
          if (claimed.has(`${pk}/${sk}`))
            throw Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' });
          claimed.add(`${pk}/${sk}`);
        }
        return {};
      },
    },
    sqs: {
      send: async () => {
        if (options.queueFails) throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });
        return { Failed: [] };
      },
    },
    posts: {
      post: async (connectionId: string, frame: string) => {
        posts.push({ connectionId, frame: JSON.parse(frame) });
        return 'ok';
      },
    },
    now: () => 1_800_000_000_000,
  } as unknown as Deps;
  return { deps, posts };
}

const departure: Departure = { connectionId: 'gone', userId: 'u', rooms: ['r'], lastSeen: 5, offline: true };

const removed: RemovedConnection = {
  connectionId: 'gone',
  userId: 'u',
  roles: [],
  connectedAt: 1,
  lastSeenAt: 5,
  expiresAt: 9,
  rooms: ['r'],
  presence: { left: ['r'], offline: true },
};

describe('Function: announceDeparture', () => {
  it('announces a claimed departure once when its record is processed twice', async () => {
    const { deps, posts } = fakeDeps();
    await announceDeparture(deps, departure, { claimed: true });
    await announceDeparture(deps, departure, { claimed: true });
    expect(posts.map((p) => [p.frame.event, p.frame.status])).toEqual([
      ['left', undefined],
      ['presence', 'offline'],
    ]);
  });

  it('announces left without offline when the user is still connected elsewhere', async () => {
    const { deps, posts } = fakeDeps();
    await announceDeparture(deps, { ...departure, offline: false });
    expect(posts.map((p) => p.frame.event)).toEqual(['left']);
  });
});

describe('Function: queueDepartures', () => {
  it('announces the departures itself when the queue refuses them', async () => {
    const { deps, posts } = fakeDeps({ queueFails: true });
    await queueDepartures(deps, [removed]);
    expect(posts).toHaveLength(2);
    expect(posts[1]?.frame).toMatchObject({ event: 'presence', user: 'u', room: 'r', lastSeen: 5 });
  });

  it('queues and announces nothing for a removal that changed nothing a room sees', async () => {
    const { deps, posts } = fakeDeps({ queueFails: true });
    await queueDepartures(deps, [{ ...removed, presence: { left: [], offline: false } }]);
    expect(posts).toHaveLength(0);
  });
});
