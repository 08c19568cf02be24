import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEnvelope, eventsOf, readEvents } from '../../helpers/bus.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

// Every `$disconnect` is lost, and the sweeper does not run: the only thing that finds a closed
// socket is a delivery to it (a 410), which removes the connection. The bus hears of that too.

let rt: TestRuntime;
const seen: BusEnvelope[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({
    faults: { dropDisconnect: 1 },
    scheduleRateMs: 3_600_000,
    functionEnv: { UNACKED_EVENT_SECONDS: '0' },
  });
});
afterAll(() => rt?.stop());

describe('The event bus, for a connection a delivery found gone', () => {
  it('puts connection.closed with reason gone, and presence.changed offline, once', async () => {
    const ann = await rt.connect('gone-ann');
    await ann.close(); // its $disconnect is dropped: the record stays
    // Opened a while ago: a 410 within a minute of the handshake removes nothing (deliver.ts).
    const [record] = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter(
      (c) => c.userId === 'gone-ann',
    );
    await rt.db.send(
      new UpdateCommand({
        TableName: rt.endpoints.tableName,
        Key: { pk: record?.pk, sk: record?.sk },
        UpdateExpression: 'SET connectedAt = :then',
        ExpressionAttributeValues: { ':then': Date.now() - 120_000 },
      }),
    );
    const bob = await rt.connect('gone-bob');
    expect(await bob.request({ action: 'send', to: 'gone-ann', data: 'are you there?' })).toMatchObject({
      type: 'reply',
    });
    const closedFor = () => eventsOf(seen, 'connection.closed', 'gone-ann');
    const offlineFor = () =>
      eventsOf(seen, 'presence.changed', 'gone-ann').filter((e) => e.detail.status === 'offline');
    await readEvents(rt, () => closedFor().length >= 1 && offlineFor().length >= 1, 10_000, seen);
    await readEvents(rt, () => false, 1000, seen); // a duplicate would show by now
    expect(closedFor().map((e) => e.detail)).toEqual([
      {
        id: expect.any(String),
        connectionId: expect.any(String),
        user: 'gone-ann',
        reason: 'gone',
        ts: expect.any(Number),
      },
    ]);
    expect(offlineFor()).toHaveLength(1);
    // The delivery removed the connection: nothing of gone-ann is left to sweep.
    expect(
      (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).some((c) => c.userId === 'gone-ann'),
    ).toBe(false);
    await bob.close();
  });
});
