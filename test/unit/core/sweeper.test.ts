import { describe, expect, it } from 'vitest';
import type { Deps, TableDeps } from '../../../lambdas/core/deps.ts';
import { credentialGraceMs, sweepConnections } from '../../../lambdas/core/services/sweeper.ts';
import { putConnection } from '../../../lambdas/core/store/connections.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { testConfig } from '../../helpers/config.ts';

const now = 1_800_000_000_000;
const nowSeconds = Math.floor(now / 1000);
const config = testConfig({ SWEEP_IDLE_SECONDS: 60 });

interface Sent {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/**
 * The last-seen record `$connect` writes now (putConnection: its credential expiry in it), for
 * a connection opened two minutes ago (idle, past the 60 s horizon) with a credential good for
 * an hour, then `changes`.
 */
async function seenRecord(connectionId: string, changes: Record<string, unknown> = {}) {
  let seen: Record<string, unknown> | undefined;
  const db = {
    send: async (command: { input: { Item?: Record<string, unknown> } }) => {
      if (command.input.Item?.pk === keys.seen(connectionId).pk) seen = command.input.Item;
      return {};
    },
  };
  const connectedAt = now - 120_000;
  await putConnection({ config, db, now: () => now } as unknown as TableDeps, {
    connectionId,
    userId: `user-${connectionId}`,
    roles: [],
    connectedAt,
    credentialExpiresAt: connectedAt + 3_600_000,
  });
  expect(seen?.credentialExpiresAt).toBeTypeOf('number');
  return { ...seen, ...changes };
}

/**
 * TRANSITION (store/credential-expiry.ts, getLegacyCredentialExpiry): the last-seen record of
 * a connection opened before the credential expiry moved into it, which has none.
 */
async function legacySeenRecord(connectionId: string, changes: Record<string, unknown> = {}) {
  const { credentialExpiresAt: _moved, ...record } = await seenRecord(connectionId, changes);
  return record;
}

/**
 * A table whose last-seen shard 3 holds the given records, whose connection records carry the
 * `legacy` credential expiries (epoch ms by connection id, as before the move), and a
 * management API that answers from `answers` (200 unless an error status is listed).
 */
function fakeDeps(
  seen: Record<string, unknown>[],
  answers: Record<string, number>,
  legacy: Record<string, number> = {},
): { deps: Deps; sent: Sent[]; managed: Sent[] } {
  const sent: Sent[] = [];
  const managed: Sent[] = [];
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name === 'QueryCommand') {
        const values = command.input.ExpressionAttributeValues as Record<string, string>;
        return { Items: values[':shard'] === 'SEEN#3' ? seen : [] };
      }
      if (command.constructor.name === 'BatchGetCommand') {
        const request = command.input.RequestItems as Record<string, { Keys: { pk: string }[] }>;
        const found = (request[config.TABLE_NAME]?.Keys ?? []).flatMap(({ pk }) => {
          const connectionId = Object.keys(legacy).find((id) => keys.connection(id).pk === pk);
          return connectionId ? [{ connectionId, credentialExpiresAt: legacy[connectionId] }] : [];
        });
        return { Responses: { [config.TABLE_NAME]: found } };
      }
      // Deletes find nothing left to announce; updates succeed.
      return {};
    },
  };
  const management = {
    send: async (command: { constructor: { name: string }; input: { ConnectionId: string } }) => {
      managed.push({ name: command.constructor.name, input: command.input });
      const status = answers[command.input.ConnectionId] ?? 200;
      if (status === 200) return {};
      throw Object.assign(new Error(`status ${status}`), {
        name: status === 410 ? 'GoneException' : 'InternalServerErrorException',
        $metadata: { httpStatusCode: status },
      });
    },
  };
  const deps = { config, db, sqs: undefined, management, now: () => now } as unknown as Deps;
  return { deps, sent, managed };
}

const idsOf = (sent: Sent[], name: string) =>
  sent
    .filter((s) => s.name === name)
    .map((s) => {
      const { pk, sk } = s.input.Key as { pk: string; sk: string };
      return pk.startsWith('SEEN#') ? `${pk} ${sk}` : pk;
    })
    .sort();
const seenOf = (connectionId: string) => `${keys.seen(connectionId).pk} ${keys.seen(connectionId).sk}`;
const droppedOf = (managed: Sent[]) =>
  managed
    .filter((m) => m.name === 'DeleteConnectionCommand')
    .map((m) => m.input.ConnectionId)
    .sort();
/** The sweeper's claims of an expired credential's close: the connection and its condition. */
const claimsOf = (sent: Sent[]) =>
  sent
    .filter((s) => s.name === 'UpdateCommand' && String(s.input.UpdateExpression).includes('closingAt'))
    .map((s) => ({ seen: idsOf([s], 'UpdateCommand')[0], condition: s.input.ConditionExpression }));

describe('Function: sweepConnections', () => {
  it('closes gone and expired connections, refreshes live ones and skips the ones it cannot check', async () => {
    const { deps, sent } = fakeDeps(
      [
        await seenRecord('expired', { expiresAt: nowSeconds - 1 }),
        await seenRecord('gone'),
        await seenRecord('alive'),
        await seenRecord('flaky'),
      ],
      { gone: 410, flaky: 500 },
    );
    const report = await sweepConnections(deps);
    expect(report).toEqual({
      checked: 4,
      pruned: 2,
      removed: 0,
      alive: 1,
      expired: 0,
      failed: 1,
      complete: true,
    });
    // The records were gone already (the fake finds nothing to delete): their last-seen records go too.
    expect(idsOf(sent, 'DeleteCommand')).toEqual(
      ['CONN#expired', 'CONN#gone', seenOf('expired'), seenOf('gone')].sort(),
    );
    expect(idsOf(sent, 'UpdateCommand')).toEqual([seenOf('alive')]);
    // Their credential expiries are in the page: no connection record is read.
    expect(sent.filter((s) => s.name === 'BatchGetCommand')).toEqual([]);
  });

  it('closes a connection whose credential expired more than the grace ago, and keeps one within it', async () => {
    const { deps, sent, managed } = fakeDeps(
      [
        await seenRecord('lapsed', { lastSeenAt: now, credentialExpiresAt: now - credentialGraceMs - 1 }),
        await seenRecord('refreshing', { lastSeenAt: now, credentialExpiresAt: now - 1000 }),
      ],
      {},
    );
    const report = await sweepConnections(deps);
    expect(report).toMatchObject({ checked: 0, expired: 1, failed: 0, complete: true });
    // Claimed on the expiry the page showed (a refresh since wins), dropped, then closed.
    expect(claimsOf(sent)).toEqual([{ seen: seenOf('lapsed'), condition: 'credentialExpiresAt < :before' }]);
    expect(droppedOf(managed)).toEqual(['lapsed']);
    expect(idsOf(sent, 'DeleteCommand')).toEqual(['CONN#lapsed', seenOf('lapsed')].sort());
    expect(sent.filter((s) => s.name === 'BatchGetCommand')).toEqual([]);
  });

  it('closes a connection opened before the expiry moved by its connection record expiry (TRANSITION)', async () => {
    const { deps, sent, managed } = fakeDeps(
      [
        await legacySeenRecord('old-lapsed', { lastSeenAt: now }),
        await legacySeenRecord('old-current', { lastSeenAt: now }),
        await seenRecord('new', { lastSeenAt: now }),
      ],
      {},
      { 'old-lapsed': now - credentialGraceMs - 1, 'old-current': now + 600_000 },
    );
    const report = await sweepConnections(deps);
    expect(report).toMatchObject({ checked: 0, expired: 1, failed: 0, complete: true });
    // Only the records without an expiry cost a read of their connection records, in one batch.
    const batches = sent.filter((s) => s.name === 'BatchGetCommand');
    expect(batches).toHaveLength(1);
    const requested = batches[0]?.input.RequestItems as Record<string, { Keys: unknown[] }>;
    expect(requested[config.TABLE_NAME]?.Keys).toEqual([
      keys.connection('old-lapsed'),
      keys.connection('old-current'),
    ]);
    // Claimed only while no refresh has written an expiry into the last-seen record.
    expect(claimsOf(sent)).toEqual([
      {
        seen: seenOf('old-lapsed'),
        condition: 'attribute_exists(pk) AND attribute_not_exists(credentialExpiresAt)',
      },
    ]);
    expect(droppedOf(managed)).toEqual(['old-lapsed']);
  });

  it('reads every last-seen shard, keeping those seen before the idle horizon', async () => {
    const { deps, sent } = fakeDeps([], {});
    await sweepConnections(deps);
    const queries = sent.filter((s) => s.name === 'QueryCommand');
    expect(queries).toHaveLength(16);
    const values = queries.map((q) => q.input.ExpressionAttributeValues as Record<string, string>);
    expect(new Set(values.map((v) => v[':shard']))).toEqual(
      new Set(Array.from({ length: 16 }, (_, i) => `SEEN#${i}`)),
    );
    expect(values[0]?.[':before']).toBe(now - 60_000);
    expect(queries.every((q) => q.input.IndexName === undefined)).toBe(true);
  });

  it('reads no page once its deadline has passed and says the run is incomplete', async () => {
    const { deps, sent } = fakeDeps([await seenRecord('gone')], { gone: 410 });
    const report = await sweepConnections(deps, { deadline: now - 1 });
    expect(report).toMatchObject({ checked: 0, complete: false });
    expect(sent).toHaveLength(0);
  });
});
