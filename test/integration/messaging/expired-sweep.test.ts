import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // A sweep every 300 ms; the idle sweep's default horizon (15 minutes) keeps it out of the way.
  rt = await startTestRuntime({ scheduleRateMs: 300 });
});
afterAll(() => rt?.stop());

const connectionOf = async (user: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).find((c) => c.userId === user);

/**
 * Moves a connection's credential expiry into the past, as time would: the sweeper's grace is
 * five minutes, which a test does not wait for.
 */
async function expireCredential(user: string, agoMs: number): Promise<void> {
  const record = await connectionOf(user);
  const at = Date.now() - agoMs;
  // The expiry lives in the connection's last-seen record (store/credential-expiry.ts).
  await rt.db.send(
    new UpdateCommand({
      TableName: rt.endpoints.tableName,
      Key: keys.seen(record?.connectionId as string),
      UpdateExpression: 'SET credentialExpiresAt = :at',
      ExpressionAttributeValues: { ':at': at },
    }),
  );
}

const join = async (socket: TestSocket, room: string) => {
  expect(await socket.request({ action: 'join', room })).toMatchObject({ type: 'reply' });
};
const isEvent = (event: string, user: string) => (f: Frame) =>
  f.type === 'event' && f.event === event && f.user === user;

describe('Schedule: sweep of expired credentials', () => {
  it('closes a connection whose credential expired more than five minutes ago and announces it once', async () => {
    const stale = await rt.connect('stale');
    const watcher = await rt.connect('watcher');
    await join(stale, 'porch');
    await join(watcher, 'porch');
    await expireCredential('stale', 5 * 60_000 + 10_000);

    const closed = await Promise.race([stale.closed, sleep(20_000).then(() => undefined)]);
    expect(closed).toBeDefined();
    expect(await eventually(async () => (await connectionOf('stale')) === undefined)).toBe(true);
    expect(await watcher.waitFor(isEvent('left', 'stale'), 5000)).toMatchObject({ room: 'porch' });
    expect(await watcher.waitFor(isEvent('presence', 'stale'), 5000)).toMatchObject({ status: 'offline' });
    await sleep(500);
    expect(watcher.frames.filter(isEvent('left', 'stale'))).toHaveLength(1);
    await watcher.close();
  });

  it('leaves open a connection whose credential expired less than five minutes ago', async () => {
    const late = await rt.connect('late');
    await expireCredential('late', 4 * 60_000);
    await sleep(1500); // several sweeps
    expect(late.closeInfo).toBeUndefined();
    expect(await connectionOf('late')).toBeDefined();
    await late.close();
  });
});
