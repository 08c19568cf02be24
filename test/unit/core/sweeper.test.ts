import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { sweepConnections } from '../../../lambdas/core/services/sweeper.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { testConfig } from '../../helpers/config.ts';

const now = 1_800_000_000_000;
const nowSeconds = Math.floor(now / 1000);

interface Sent {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/**
 * A table whose last-seen shard 3 holds the given idle connections, and a management API that
 * answers GET @connections from `answers` (200 unless an error status is listed).
 */
function fakeDeps(
  idle: { connectionId: string; expiresAt: number }[],
  answers: Record<string, number>,
): { deps: Deps; sent: Sent[] } {
  const sent: Sent[] = [];
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name === 'QueryCommand') {
        const values = command.input.ExpressionAttributeValues as Record<string, string>;
        return { Items: values[':shard'] === 'SEEN#3' ? idle : [] };
      }
      // Deletes find nothing left to announce; updates succeed.
      return {};
    },
  };
  const management = {
    send: async (command: { input: { ConnectionId: string } }) => {
      const status = answers[command.input.ConnectionId] ?? 200;
      if (status === 200) return {};
      throw Object.assign(new Error(`status ${status}`), {
        name: status === 410 ? 'GoneException' : 'InternalServerErrorException',
        $metadata: { httpStatusCode: status },
      });
    },
  };
  const deps = {
    config: testConfig({ SWEEP_IDLE_SECONDS: 60 }),
    db,
    sqs: undefined,
    management,
    now: () => now,
  } as unknown as Deps;
  return { deps, sent };
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

describe('Function: sweepConnections', () => {
  it('closes gone and expired connections, refreshes live ones and skips the ones it cannot check', async () => {
    const { deps, sent } = fakeDeps(
      [
        { connectionId: 'expired', expiresAt: nowSeconds - 1 },
        { connectionId: 'gone', expiresAt: nowSeconds + 600 },
        { connectionId: 'alive', expiresAt: nowSeconds + 600 },
        { connectionId: 'flaky', expiresAt: nowSeconds + 600 },
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
    const { deps, sent } = fakeDeps([{ connectionId: 'gone', expiresAt: nowSeconds + 600 }], { gone: 410 });
    const report = await sweepConnections(deps, { deadline: now - 1 });
    expect(report).toMatchObject({ checked: 0, complete: false });
    expect(sent).toHaveLength(0);
  });
});
