import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { sendDirectMessage } from '../../../lambdas/core/services/direct-messages.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api, storeOf } from '../http/http-fixtures.ts';

/**
 * Finding 2 of issue 11: `#` in a user id or an idempotency id made two different senders'
 * messages share one idempotency key, so the second was answered as a retry of the first and
 * dropped. Tested at the service level with user ids that hold `#` (the credential check that
 * refuses them is another layer: the keys must hold on their own).
 */
let rt: TestRuntime;
let deps: Deps;

beforeAll(async () => {
  rt = await startTestRuntime();
  deps = {
    ...storeOf(rt),
    sqs: rt.sqs,
    management: {} as ApiGatewayManagementApiClient,
    events: {} as EventBridgeClient,
    posts: { post: async () => 'ok' },
  };
});
afterAll(() => rt?.stop());

const inboxOf = async (user: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${user}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );

describe('Key separation', () => {
  it('stores both messages when user a sends with id x#send#y and user a#send#x with id y', async () => {
    const first = await sendDirectMessage(deps, { from: 'a', to: 'bea', data: 'from a', id: 'x#send#y' });
    const second = await sendDirectMessage(deps, {
      from: 'a#send#x',
      to: 'bea',
      data: 'from a#send#x',
      id: 'y',
    });
    expect(second.messageId).not.toBe(first.messageId);
    const stored = await inboxOf('bea');
    expect(stored.map((i) => JSON.parse(String(i.frame)).from).sort()).toEqual(['a', 'a#send#x']);
  });

  it('still recognises a real retry: the same user and id store once', async () => {
    const first = await sendDirectMessage(deps, { from: 'c#1', to: 'cid', data: 1, id: 'k#1' });
    const again = await sendDirectMessage(deps, { from: 'c#1', to: 'cid', data: 1, id: 'k#1' });
    expect(again.messageId).toBe(first.messageId);
    expect(await inboxOf('cid')).toHaveLength(1);
  });

  it('keeps a notification from a service named alice#send apart from alice sending with id notify#x', async () => {
    const notified = await api(rt, 'POST', '/messages', {
      as: 'ops',
      roles: ['admin'],
      body: { target: { users: ['dan'] }, from: 'alice#send', id: 'x', data: 'notification' },
    });
    expect(notified.status).toBe(202);
    const alice = await rt.connect('alice');
    const dan = await rt.connect('dan');
    try {
      const reply = await alice.request({ action: 'send', to: 'dan', data: 'direct', id: 'notify#x' });
      expect(reply).toMatchObject({ type: 'reply', result: { messageId: expect.any(String) } });
      expect((reply.result as { messageId: string }).messageId).not.toBe(notified.body.messageId);
      expect(await dan.waitFor((f) => f.type === 'message' && f.data === 'direct')).toMatchObject({
        from: 'alice',
      });
      expect((await inboxOf('dan')).length).toBe(2);
    } finally {
      await alice.close();
      await dan.close();
    }
  });
});
