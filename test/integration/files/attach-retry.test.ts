import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFileAttached } from '../../../lambdas/core/store/files.ts';
import { startDynamoDbProcess } from '../../../local/dynamodb/index.ts';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../helpers/dynamodb-faults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { storeOf } from '../http/http-fixtures.ts';
import { fileStatus, uploadText } from './file-fixtures.ts';

// A message whose store fails after its files were attached gives them back, so that the
// client's retry attaches them; and an attempt that takes over a dead one's key (the same
// message id) finds its files attachable, not "attached twice".

let rt: TestRuntime;
let dynamodb: Awaited<ReturnType<typeof startDynamoDbProcess>>;
let proxy: DynamoDbFaultProxy;
/** While true, the table refuses to store anything that carries the marker text. */
let storeFails = false;
const marker = 'the-store-fails';

beforeAll(async () => {
  dynamodb = await startDynamoDbProcess({ port: 0, host: '127.0.0.1' });
  proxy = await startDynamoDbFaultProxy(
    dynamodb.endpoint,
    (operation, body) => storeFails && operation === 'PutItem' && body.includes(marker),
  );
  // The handlers' failed calls are logged as errors; the answers below say what happened.
  rt = await startTestRuntime({
    external: { dynamodb: proxy.endpoint },
    functionEnv: { POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
  });
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
  await dynamodb?.close();
});

describe('Files of a message whose store fails', () => {
  let ann: TestSocket;
  let bob: TestSocket;
  beforeAll(async () => {
    ann = await rt.connect('ann');
    bob = await rt.connect('bob');
    expect((await ann.request({ action: 'join', room: 'retry-room' })).type).toBe('reply');
  });
  afterAll(async () => {
    await ann?.close();
    await bob?.close();
  });

  for (const frame of [
    { action: 'send', to: 'bob' },
    { action: 'publish', room: 'retry-room' },
  ] as const) {
    for (const id of [`retry-${frame.action}`, undefined]) {
      it(`go back to the sender, so a retried ${frame.action} ${id ? 'with' : 'without'} an id attaches them`, async () => {
        const fileId = await uploadText(rt, 'ann', `for ${frame.action}`);
        const message = { ...frame, data: { text: marker }, files: [fileId], ...(id ? { id } : {}) };
        storeFails = true;
        const failed = await ann.request(message, 15_000);
        storeFails = false;
        expect(failed).toMatchObject({ type: 'error', code: 'INTERNAL' });
        // To others, the file of a message that was not stored is an upload not attached yet.
        expect(await fileStatus(rt, 'bob', fileId)).toBe(404);

        const retried = await ann.request(message);
        expect(retried, JSON.stringify(retried)).toMatchObject({ type: 'reply' });
        const reader = frame.action === 'send' ? bob : ann;
        const delivered = await reader.waitFor(
          (f) => f.type === 'message' && f.id === (retried.result as { messageId: string }).messageId,
        );
        expect(delivered.files).toEqual([
          {
            id: fileId,
            name: 'note.txt',
            contentType: 'text/plain',
            size: Buffer.byteLength(`for ${frame.action}`),
          },
        ]);
        expect(await fileStatus(rt, 'bob', fileId)).toBe(302);
      });
    }
  }

  it('marks a file attached again for the same message, never for another one', async () => {
    const fileId = await uploadText(rt, 'ann', 'taken over');
    const attachment = { attachedTo: 'room:retry-room', messageId: 'm-1', readers: [] };
    const store = storeOf(rt);
    expect(await markFileAttached(store, fileId, 'ann', attachment)).toBe(true);
    // The attempt that took over the dead one's key holds the same message id.
    expect(await markFileAttached(store, fileId, 'ann', attachment)).toBe(true);
    expect(await markFileAttached(store, fileId, 'ann', { ...attachment, messageId: 'm-2' })).toBe(false);
    expect(await markFileAttached(store, fileId, 'ann', { ...attachment, attachedTo: 'room:other' })).toBe(
      false,
    );
    expect(await markFileAttached(store, fileId, 'bob', attachment)).toBe(false);
  });
});
