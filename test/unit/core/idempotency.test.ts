import { describe, expect, it } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import {
  acquireIdempotencyKey,
  completeIdempotencyKey,
  defaultIdempotencyWaitMs,
  idempotencyLeaseMs,
} from '../../../lambdas/core/store/idempotency.ts';
import { functions } from '../../../lib/manifest.ts';
import { testConfig } from '../../helpers/config.ts';

type Command = { constructor: { name: string }; input: Record<string, unknown> };

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/**
 * A table holding one idempotency item. The first-attempt put always finds it; each read
 * answers the next of `reads` (the last repeats); updates succeed `updatesWon` times, then fail
 * their condition. Every command is logged.
 */
function fakeTable(options: { reads: Record<string, unknown>[]; updatesWon?: number; now?: number }) {
  const log: Command[] = [];
  let reads = 0;
  let updates = 0;
  const deps = {
    config: testConfig(),
    now: () => options.now ?? 1_000_000,
    db: {
      send: async (command: Command) => {
        log.push(command);
        const name = command.constructor.name;
        if (name === 'PutCommand') throw conditionFailed();
        if (name === 'GetCommand') {
          const item = options.reads[Math.min(reads, options.reads.length - 1)];
          reads += 1;
          return { Item: item };
        }
        if (name === 'UpdateCommand') {
          updates += 1;
          if (updates > (options.updatesWon ?? 0)) throw conditionFailed();
          return {};
        }
        throw new Error(`unexpected ${name}`);
      },
    },
  } as unknown as TableDeps;
  return { deps, log, names: () => log.map((c) => c.constructor.name) };
}

const now = 1_000_000;
const proposed = { messageId: 'NEW', ts: now };
const pending = (leaseUntil: number, extra: Record<string, unknown> = {}) => ({
  status: 'pending',
  messageId: 'FIRST',
  ts: now - 5000,
  owner: 'first-owner',
  leaseUntil,
  expiresAt: now / 1000 + 3600,
  ...extra,
});
const done = { ...pending(now + 10_000), status: 'done', seq: 7 };

describe('Function: acquireIdempotencyKey', () => {
  it('waits for a key whose owner holds a live lease and answers its result once done, writing nothing', async () => {
    const { deps, names } = fakeTable({ reads: [pending(now + 10_000), pending(now + 10_000), done] });
    const acquired = await acquireIdempotencyKey(
      deps,
      { user: 'u', kind: 'publish', room: 'r' },
      'k',
      proposed,
      { leaseMs: 15_000 },
    );
    expect(acquired).toEqual({ state: 'done', result: { messageId: 'FIRST', ts: now - 5000, seq: 7 } });
    expect(names()).toEqual(['PutCommand', 'GetCommand', 'GetCommand', 'GetCommand']);
  });

  it('answers busy with the first identity and a retry hint when the lease outlasts the wait', async () => {
    const { deps, names } = fakeTable({ reads: [pending(now + 10_000, { seq: 3 })] });
    const started = Date.now();
    const acquired = await acquireIdempotencyKey(deps, { user: 'u', kind: 'send' }, 'k', proposed, {
      leaseMs: 15_000,
      waitMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(acquired).toEqual({
      state: 'busy',
      result: { messageId: 'FIRST', ts: now - 5000, seq: 3 },
      retryAfterMs: 1000,
    });
    expect(names().filter((n) => n !== 'GetCommand')).toEqual(['PutCommand']);
  });

  it('takes over a key whose lease ran out, on the condition that the old owner still holds it', async () => {
    const { deps, log } = fakeTable({ reads: [pending(now - 1, { seq: 4 })], updatesWon: 1 });
    const acquired = await acquireIdempotencyKey(
      deps,
      { user: 'u', kind: 'publish', room: 'r' },
      'k',
      proposed,
      { leaseMs: 15_000 },
    );
    expect(acquired).toMatchObject({
      state: 'owner',
      takeover: true,
      owner: expect.any(String),
      result: { messageId: 'FIRST', ts: now - 5000, seq: 4 },
    });
    const update = log.find((c) => c.constructor.name === 'UpdateCommand');
    expect(update?.input.ConditionExpression).toBe('#status = :pending AND #owner = :old');
    expect(update?.input.ExpressionAttributeValues).toMatchObject({
      ':old': 'first-owner',
      ':leaseUntil': now + 15_000,
    });
  });

  it('waits for the taker that won when its own takeover loses the race', async () => {
    const taken = pending(now + 15_000, { owner: 'other-taker' });
    const { deps, names } = fakeTable({ reads: [pending(now - 1), taken, done], updatesWon: 0 });
    const acquired = await acquireIdempotencyKey(deps, { user: 'u', kind: 'send' }, 'k', proposed, {
      leaseMs: 15_000,
    });
    expect(acquired.state).toBe('done');
    expect(names().filter((n) => n === 'UpdateCommand')).toHaveLength(1);
  });
});

describe('Function: completeIdempotencyKey', () => {
  it('completes only as the owner and reports a key taken over by a later attempt', async () => {
    const { deps, log } = fakeTable({ reads: [], updatesWon: 1 });
    expect(
      await completeIdempotencyKey(deps, { user: 'u', kind: 'publish', room: 'r' }, 'k', 'me', { seq: 9 }),
    ).toBe(true);
    expect(log[0]?.input).toMatchObject({
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': 'me', ':seq': 9, ':done': 'done' },
    });
    expect(await completeIdempotencyKey(deps, { user: 'u', kind: 'publish', room: 'r' }, 'k', 'me')).toBe(
      false,
    );
  });
});

describe('Constant: idempotencyLeaseMs', () => {
  it('outlasts the timeout of every function that holds a key, and the wait fits inside a route', () => {
    const timeoutMs = (name: keyof typeof functions) => (functions[name].timeoutSeconds ?? 10) * 1000;
    expect(idempotencyLeaseMs.send).toBeGreaterThan(timeoutMs('send'));
    expect(idempotencyLeaseMs.publish).toBeGreaterThan(timeoutMs('publish'));
    expect(idempotencyLeaseMs.notify).toBeGreaterThan(
      Math.max(timeoutMs('notify'), timeoutMs('postMessages')),
    );
    expect(defaultIdempotencyWaitMs).toBeLessThanOrEqual(timeoutMs('send') / 2);
  });
});
