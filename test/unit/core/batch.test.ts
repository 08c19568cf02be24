import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import {
  batchDelete,
  batchGet,
  UnprocessedItemsError,
  UnprocessedKeysError,
} from '../../../lambdas/core/store/batch.ts';
import { removeConnection } from '../../../lambdas/core/store/connections.ts';
import { getLegacyCredentialExpiries } from '../../../lambdas/core/store/credential-expiry.ts';
import { getPresences } from '../../../lambdas/core/store/presence.ts';

type Key = { pk: string };

/**
 * A table whose BatchGet answers `processed(attempt)` of the keys asked for (the first n) and
 * returns the rest as UnprocessedKeys, as DynamoDB does under throttling; `itemOf` makes the
 * item found for a key.
 */
function throttledTable(
  processed: (attempt: number, asked: number) => number,
  itemOf: (key: Key) => Record<string, unknown> = (key) => ({ ...key, found: true }),
) {
  const asked: Key[][] = [];
  const db = {
    send: async (command: { input: { RequestItems: Record<string, { Keys: Key[] }> } }) => {
      const keys = command.input.RequestItems.t?.Keys ?? [];
      const n = processed(asked.length, keys.length);
      asked.push(keys);
      const rest = keys.slice(n);
      return {
        Responses: { t: keys.slice(0, n).map(itemOf) },
        UnprocessedKeys: rest.length > 0 ? { t: { Keys: rest } } : {},
      };
    },
  };
  return { deps: { db, config: { TABLE_NAME: 't' } } as unknown as TableDeps, asked };
}

const keysOf = (n: number): Key[] => Array.from({ length: n }, (_, i) => ({ pk: `K#${i}` }));

describe('Function: batchGet', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks again for the keys left unprocessed and returns every item', async () => {
    const { deps, asked } = throttledTable((attempt, n) => (attempt < 2 ? 1 : n));
    const items = await batchGet(deps, keysOf(3), 'pk');
    expect(items.map((item) => item.pk).sort()).toEqual(['K#0', 'K#1', 'K#2']);
    expect(asked.map((keys) => keys.length)).toEqual([3, 2, 1]);
  });

  it('throws when keys are still unprocessed after the last attempt, rather than return without them', async () => {
    const { deps, asked } = throttledTable(() => 0);
    const read = batchGet(deps, keysOf(2), 'pk');
    await expect(read).rejects.toBeInstanceOf(UnprocessedKeysError);
    await expect(read).rejects.toMatchObject({ unprocessed: 2 });
    expect(asked).toHaveLength(5);
  });

  it('waits before asking again for unprocessed keys', async () => {
    vi.useFakeTimers();
    const { deps, asked } = throttledTable((attempt, n) => (attempt === 0 ? 0 : n));
    const read = batchGet(deps, keysOf(1), 'pk');
    // Let every promise settle without moving the clock: the second attempt waits on a timer.
    for (let tick = 0; tick < 20; tick += 1) await Promise.resolve();
    expect(asked).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toHaveLength(2);
    expect(await read).toEqual([{ pk: 'K#0', found: true }]);
  });
});

/**
 * A table whose BatchWrite processes `processed(attempt)` of the deletes sent (the first n)
 * and returns the rest as UnprocessedItems, as DynamoDB does under throttling.
 */
function throttledWrites(processed: (attempt: number, sent: number) => number) {
  const sent: unknown[][] = [];
  const db = {
    send: async (command: { input: { RequestItems: Record<string, unknown[]> } }) => {
      const requests = command.input.RequestItems.t ?? [];
      const n = processed(sent.length, requests.length);
      sent.push(requests);
      const rest = requests.slice(n);
      return { UnprocessedItems: rest.length > 0 ? { t: rest } : {} };
    },
  };
  return { deps: { db, config: { TABLE_NAME: 't' } } as unknown as TableDeps, sent };
}

describe('Function: batchDelete', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends again the deletes left unprocessed until every one is done', async () => {
    const { deps, sent } = throttledWrites((attempt, n) => (attempt < 2 ? 1 : n));
    await batchDelete(deps, keysOf(3));
    expect(sent.map((requests) => requests.length)).toEqual([3, 2, 1]);
    expect(sent[2]).toEqual([{ DeleteRequest: { Key: { pk: 'K#2' } } }]);
  });

  it('throws when deletes are still unprocessed after the last attempt, rather than return as if done', async () => {
    const { deps, sent } = throttledWrites(() => 0);
    const deleting = batchDelete(deps, keysOf(2));
    await expect(deleting).rejects.toBeInstanceOf(UnprocessedItemsError);
    await expect(deleting).rejects.toMatchObject({ unprocessed: 2 });
    expect(sent).toHaveLength(5);
  });

  it('waits before sending unprocessed deletes again', async () => {
    vi.useFakeTimers();
    const { deps, sent } = throttledWrites((attempt, n) => (attempt === 0 ? 0 : n));
    const deleting = batchDelete(deps, keysOf(1));
    for (let tick = 0; tick < 20; tick += 1) await Promise.resolve();
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(2);
    await deleting;
  });
});

describe('Function: getPresences', () => {
  it('asks again for the keys left unprocessed and returns every status', async () => {
    // The item found for a key: the user and the status they chose.
    const { deps, asked } = throttledTable(
      (attempt, n) => (attempt === 0 ? 1 : n),
      (key) => ({ userId: key.pk.slice('PRESENCE#'.length), status: 'away', updatedAt: 1 }),
    );
    const found = await getPresences(deps, ['ann', 'bo', 'ann']);
    expect([...found.keys()].sort()).toEqual(['ann', 'bo']);
    expect(found.get('bo')).toEqual({ userId: 'bo', status: 'away', updatedAt: 1 });
    expect(asked.map((keys) => keys.length)).toEqual([2, 1]);
  });

  it('throws when keys are still unprocessed after the last attempt, rather than answer "online" for them', async () => {
    const { deps, asked } = throttledTable(() => 0);
    await expect(getPresences(deps, ['ann'])).rejects.toBeInstanceOf(UnprocessedKeysError);
    expect(asked).toHaveLength(5);
  });
});

describe('Function: getLegacyCredentialExpiries', () => {
  it('asks again for the keys left unprocessed and returns every expiry', async () => {
    // The item found for a key: the connection and its expiry.
    const { deps, asked } = throttledTable(
      (attempt, n) => (attempt === 0 ? 1 : n),
      (key) => ({ connectionId: key.pk.slice('CONN#'.length), credentialExpiresAt: 7 }),
    );
    const found = await getLegacyCredentialExpiries(deps, ['c1', 'c2']);
    expect(found).toEqual(
      new Map([
        ['c1', 7],
        ['c2', 7],
      ]),
    );
    expect(asked.map((keys) => keys.length)).toEqual([2, 1]);
  });

  it('throws when keys are still unprocessed after the last attempt, rather than read the connections as having none', async () => {
    const { deps, asked } = throttledTable(() => 0);
    await expect(getLegacyCredentialExpiries(deps, ['c1'])).rejects.toBeInstanceOf(UnprocessedKeysError);
    expect(asked).toHaveLength(5);
  });
});

describe('Function: removeConnection, when throttling leaves subscriptions undeleted', () => {
  it('still uncounts the connection and gives back what its removal changed', async () => {
    const record = {
      pk: 'CONN#c1',
      sk: 'CONN',
      connectionId: 'c1',
      userId: 'ann',
      connectedAt: 1,
      lastSeenAt: 1,
      expiresAt: 4_000_000_000,
      rooms: new Set(['cafe']),
    };
    const updates: string[] = [];
    const db = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        if (name === 'DeleteCommand') {
          const key = command.input.Key as { pk: string };
          return key.pk === 'CONN#c1' ? { Attributes: record } : {};
        }
        if (name === 'BatchWriteCommand') return { UnprocessedItems: command.input.RequestItems };
        if (name === 'UpdateCommand') {
          updates.push(String(command.input.UpdateExpression));
          // The user's only connection, subscribed to cafe.
          return { Attributes: { conns: new Set(['c1']), 'R#cafe': new Set(['c1']) } };
        }
        return {};
      },
    };
    const deps = { db, config: { TABLE_NAME: 't' }, now: () => 1000 } as unknown as TableDeps;
    vi.useFakeTimers();
    const removing = removeConnection(deps, 'c1');
    await vi.runAllTimersAsync();
    const removed = await removing;
    vi.useRealTimers();
    expect(updates.some((u) => u.startsWith('DELETE'))).toBe(true);
    expect(removed?.presence).toEqual({ left: ['cafe'], offline: true });
  });
});
