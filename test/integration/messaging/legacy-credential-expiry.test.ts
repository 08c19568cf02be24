import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDeps } from '../../../lambdas/core/clients.ts';
import { sweepConnections } from '../../../lambdas/core/services/sweeper.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { localDefaults } from '../../../local/defaults.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

// TRANSITION (store/credential-expiry.ts, getLegacyCredentialExpiry): a connection opened before
// the credential expiry moved into the last-seen record has it in its connection record only.
// Goes with the fallback, 2 hours after the deploy that carries it.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const secret = localDefaults.jwtSecret;
const open = async (user: string, seconds: number) =>
  TestSocket.open(
    `${rt.endpoints.websocket}?token=${await signToken(user, { secret, expiresInSeconds: seconds })}`,
  );
const expired = { type: 'error', code: 'UNAUTHORIZED', message: 'credential expired' };

/**
 * Rewrites the user's connection in the shape written before the move: no expiry in its
 * last-seen record, `credentialExpiresAt` in its connection record (where a `refresh` then
 * moved it).
 */
async function writeOldShape(user: string, credentialExpiresAt: number): Promise<void> {
  const record = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).find(
    (c) => c.userId === user,
  );
  const connectionId = record?.connectionId as string;
  await rt.db.send(
    new UpdateCommand({
      TableName: rt.endpoints.tableName,
      Key: keys.seen(connectionId),
      UpdateExpression: 'REMOVE credentialExpiresAt',
    }),
  );
  await rt.db.send(
    new UpdateCommand({
      TableName: rt.endpoints.tableName,
      Key: keys.connection(connectionId),
      UpdateExpression: 'SET credentialExpiresAt = :at',
      ExpressionAttributeValues: { ':at': credentialExpiresAt },
    }),
  );
}

describe('Credential expiry of a connection opened before it moved into the last-seen record', () => {
  it('answers frames by the connection record expiry once the $connect expiry passed', async () => {
    const refreshed = await open('old-refreshed', 4);
    const lapsed = await open('old-lapsed', 4);
    // One refreshed before the deploy (its connection record holds the later expiry), one did not.
    await writeOldShape('old-refreshed', Date.now() + 600_000);
    await writeOldShape('old-lapsed', Date.now() + 4000);
    await sleep(4100);
    expect(await refreshed.request({ action: 'send', to: 'old-peer', data: 1 })).toMatchObject({
      type: 'reply',
    });
    expect(await lapsed.request({ action: 'send', to: 'old-peer', data: 1 })).toMatchObject(expired);
    await refreshed.close();
    await lapsed.close();
  });

  it('is closed by the sweeper by the connection record expiry, and kept open before it', async () => {
    const stale = await open('old-stale', 600);
    const current = await open('old-current', 600);
    await writeOldShape('old-stale', Date.now() - 6 * 60_000);
    await writeOldShape('old-current', Date.now() + 600_000);
    const report = await sweepConnections(getDeps());
    expect(report.expired).toBe(1);
    expect(await Promise.race([stale.closed, sleep(5000).then(() => undefined)])).toBeDefined();
    await sleep(300);
    expect(current.closeInfo).toBeUndefined();
    await current.close();
  });
});
