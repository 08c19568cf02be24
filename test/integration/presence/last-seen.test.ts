import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchConnection } from '../../../lambdas/core/store/connections.ts';
import { testConfig } from '../../helpers/config.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep, type TestSocket } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  // Every ping writes last-seen, so each one can be seen in the table.
  rt = await startTestRuntime({ functionEnv: { LAST_SEEN_WRITE_INTERVAL_MS: '0' } });
});
afterAll(() => rt?.stop());

const table = () => rt.endpoints.tableName;
const connectionOf = async (userId: string) =>
  (await itemsWithPrefix(rt.db, table(), 'CONN#')).find((i) => i.userId === userId);
const seenOf = async (connectionId: unknown) =>
  (await itemsWithPrefix(rt.db, table(), 'SEEN#')).filter((i) => i.connectionId === connectionId);

const ping = async (socket: TestSocket) =>
  expect(await socket.request({ action: 'ping' })).toMatchObject({ type: 'reply' });

describe('Last-seen records', () => {
  it('puts a last-seen record at $connect, moves it on each ping, and removes it with the connection', async () => {
    const socket = await rt.connect('seen-alice');
    const connection = await connectionOf('seen-alice');
    expect(connection).toBeDefined();
    // The connection record is in no index: a user's connections are their live-presence item's.
    expect(Object.keys(connection ?? {}).filter((k) => k.startsWith('gsi'))).toEqual([]);

    const [seen] = await seenOf(connection?.connectionId);
    expect(seen).toMatchObject({
      sk: `CONN#${connection?.connectionId}`,
      userId: 'seen-alice',
      lastSeenAt: connection?.connectedAt,
      expiresAt: connection?.expiresAt,
    });
    expect(seen?.pk).toMatch(/^SEEN#([0-9]|1[0-5])$/);

    await sleep(20);
    await ping(socket);
    const [moved] = await seenOf(connection?.connectionId);
    expect(moved?.pk).toBe(seen?.pk);
    expect(moved?.lastSeenAt as number).toBeGreaterThan(seen?.lastSeenAt as number);
    // The ping wrote only the last-seen record: the connection record is as it was.
    expect(await connectionOf('seen-alice')).toEqual(connection);

    await socket.close();
    expect(await eventually(async () => (await connectionOf('seen-alice')) === undefined)).toBe(true);
    // The last-seen record goes one request after the connection record (removeConnection).
    expect(await eventually(async () => (await seenOf(connection?.connectionId)).length === 0)).toBe(true);
  });

  it('does not recreate the last-seen record of a closed connection on a late ping', async () => {
    const socket = await rt.connect('seen-late');
    const connectionId = (await connectionOf('seen-late'))?.connectionId as string;
    await socket.close();
    expect(await eventually(async () => (await seenOf(connectionId)).length === 0)).toBe(true);

    const deps = { db: rt.db, config: testConfig({ TABLE_NAME: table() }), now: Date.now };
    expect(await touchConnection(deps as never, connectionId)).toBe(false);
    expect(await seenOf(connectionId)).toEqual([]);
  });
});
