import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepShardOf } from '../../../lambdas/core/store/keys.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

describe('A connection whose records are gone', () => {
  it('is closed at its next heartbeat, so the client connects again instead of staying unreachable', async () => {
    const zed = await rt.connect('zed');
    const [record] = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter(
      (item) => item.userId === 'zed',
    );
    const connectionId = String(record?.connectionId);
    // What a removal while the socket stayed open leaves: no connection or last-seen record.
    for (const Key of [
      { pk: `CONN#${connectionId}`, sk: 'CONN' },
      { pk: `SEEN#${sweepShardOf(connectionId)}`, sk: `CONN#${connectionId}` },
    ])
      await rt.db.send(new DeleteCommand({ TableName: rt.endpoints.tableName, Key }));
    zed.send({ action: 'ping' });
    const closed = await Promise.race([
      zed.closed,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000)),
    ]);
    // A management DELETE closes with 1000 (docs/emulator.md).
    expect(closed?.code).toBe(1000);
  });

  it('is left open while its records are there', async () => {
    const amy = await rt.connect('amy');
    expect(await amy.request({ action: 'ping' })).toMatchObject({
      type: 'reply',
      result: { ts: expect.any(Number) },
    });
    const closed = await Promise.race([
      zedLike(amy.closed),
      new Promise((resolve) => setTimeout(() => resolve('open'), 500)),
    ]);
    expect(closed).toBe('open');
    await amy.close();
  });
});

/** A close as a value (the race above resolves with whichever comes first). */
const zedLike = (closed: Promise<{ code: number }>) => closed.then(() => 'closed');
