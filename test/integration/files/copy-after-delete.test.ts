import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { startDynamoDbProcess } from '../../../local/dynamodb/index.ts';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../helpers/dynamodb-faults.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type S3FaultProxy, startS3FaultProxy } from '../../helpers/s3-faults.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { fileStatus, objectsOf, uploadText } from './file-fixtures.ts';

// A publish whose first attempt stored its message and died before completing its key is
// retried; the retry takes the key over and attaches (copies) the files again. When the message
// is deleted meanwhile, no file object is left in S3, and the retry answers the first result.

let rt: TestRuntime;
let dynamodb: Awaited<ReturnType<typeof startDynamoDbProcess>>;
let dbProxy: DynamoDbFaultProxy;
let s3Proxy: S3FaultProxy;
/** While true, the table refuses to mark an idempotency key done: the attempt dies there. */
let completeFails = false;

/** While set, the retry's HeadObject of this upload waits for the promise (the delete's reply). */
let heldHead: { fileId: string; arrived: Deferred; release: Promise<void> } | undefined;

/** The order a raced file's requests are forced into, while set. */
let raced:
  | {
      fileId: string;
      copyArrived: Deferred;
      attachedDeleted: Deferred;
      copyDone: Deferred;
    }
  | undefined;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const room = 'raced-room';

beforeAll(async () => {
  dynamodb = await startDynamoDbProcess({ port: 0, host: '127.0.0.1' });
  dbProxy = await startDynamoDbFaultProxy(
    dynamodb.endpoint,
    (operation, body) => completeFails && operation === 'UpdateItem' && body.includes(':done'),
  );
  // The retry's copy (a PUT of `files/{id}`) waits until the delete removed `files/{id}`; the
  // delete's removal of the upload waits until that copy is done: the copy puts the object back.
  s3Proxy = await startS3FaultProxy(() => false, {
    before(method, path) {
      if (heldHead && method === 'HEAD' && path.endsWith(`/pending/${heldHead.fileId}`)) {
        heldHead.arrived.resolve();
        return heldHead.release;
      }
      if (!raced) return undefined;
      if (method === 'PUT' && path.endsWith(`/files/${raced.fileId}`)) {
        raced.copyArrived.resolve();
        return raced.attachedDeleted.promise;
      }
      if (method === 'DELETE' && path.endsWith(`/pending/${raced.fileId}`)) return raced.copyDone.promise;
      return undefined;
    },
    after(method, path) {
      if (!raced) return;
      if (method === 'DELETE' && path.endsWith(`/files/${raced.fileId}`)) raced.attachedDeleted.resolve();
      if (method === 'PUT' && path.endsWith(`/files/${raced.fileId}`)) raced.copyDone.resolve();
    },
  });
  rt = await startTestRuntime({
    external: { dynamodb: dbProxy.endpoint },
    functionEnv: { AWS_ENDPOINT_URL_S3: s3Proxy.endpoint, POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
  });
  s3Proxy.target = rt.endpoints.s3;
});
afterAll(async () => {
  await rt?.stop();
  await s3Proxy?.close();
  await dbProxy?.close();
  await dynamodb?.close();
});

type Entry = { id: string; seq: number; ts: number; files?: { id: string }[]; deleted?: boolean };

async function historyEntryWith(socket: TestSocket, fileId: string): Promise<Entry | undefined> {
  const reply = await socket.request({ action: 'history', room });
  const { messages } = reply.result as { messages: Entry[] };
  return messages.find((m) => m.files?.some((f) => f.id === fileId));
}

/**
 * Publishes `frame` and lets the attempt die after it stored the message, before it completed
 * its key; then lets its lease run out at once (15 s otherwise). The stored message's entry.
 */
async function publishAndDie(socket: TestSocket, frame: Record<string, unknown>, fileId: string) {
  completeFails = true;
  const died = await socket.request(frame, 15_000);
  completeFails = false;
  expect(died).toMatchObject({ type: 'error', code: 'INTERNAL' });
  const stored = await historyEntryWith(socket, fileId);
  expect(stored).toBeDefined();
  expect(await objectsOf(rt, fileId)).toContain(`files/${fileId}`);
  await rt.db.send(
    new UpdateCommand({
      TableName: rt.endpoints.tableName,
      Key: keys.idempotency({ user: 'ann', kind: 'publish', room }, frame.id as string),
      UpdateExpression: 'SET leaseUntil = :zero',
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  );
  return stored as Entry;
}

/** The retry answered the result of the attempt that stored `stored`, and left no trace of the file. */
async function expectFirstResultAndNoFile(answer: Frame, stored: Entry, fileId: string): Promise<void> {
  expect(answer, JSON.stringify(answer)).toMatchObject({
    type: 'reply',
    result: { messageId: stored.id, seq: stored.seq, ts: stored.ts },
  });
  expect(await objectsOf(rt, fileId)).toEqual([]);
  expect(await fileStatus(rt, 'ann', fileId)).toBe(404);
}

describe('Action: publish retried over a delete of its message', () => {
  let ann: TestSocket;
  let annElsewhere: TestSocket;
  beforeAll(async () => {
    ann = await rt.connect('ann');
    annElsewhere = await rt.connect('ann');
    expect((await ann.request({ action: 'join', room })).type).toBe('reply');
  });
  afterAll(async () => {
    await ann?.close();
    await annElsewhere?.close();
  });

  it('leaves no file object when the delete removes it while the retry copies it', async () => {
    const fileId = await uploadText(rt, 'ann', 'raced');
    const frame = { action: 'publish', room, data: { text: 'raced' }, files: [fileId], id: 'raced-copy' };
    const stored = await publishAndDie(ann, frame, fileId);

    raced = { fileId, copyArrived: deferred(), attachedDeleted: deferred(), copyDone: deferred() };
    const retried = ann.request(frame, 15_000);
    // The retry has marked the file attached again and is about to copy it.
    await raced.copyArrived.promise;
    const deleted = await annElsewhere.request({ action: 'delete', room, seq: stored.seq }, 15_000);
    expect(deleted, JSON.stringify(deleted)).toMatchObject({ type: 'reply' });
    const answer = await retried;
    raced = undefined;

    await expectFirstResultAndNoFile(answer, stored, fileId);
    // Done once: the next retry answers the same.
    expect(await ann.request(frame)).toMatchObject({ result: answer.result });
  });

  it('answers the first result when the delete runs between the retry reading its file and checking the upload', async () => {
    const fileId = await uploadText(rt, 'ann', 'held head');
    const frame = { action: 'publish', room, data: { text: 'held' }, files: [fileId], id: 'raced-head' };
    const stored = await publishAndDie(ann, frame, fileId);

    const deletedReply = deferred();
    heldHead = { fileId, arrived: deferred(), release: deletedReply.promise };
    const retried = ann.request(frame, 15_000);
    // The retry has read the file's record (not deleted yet) and checks the upload.
    await heldHead.arrived.promise;
    const deleted = await annElsewhere.request({ action: 'delete', room, seq: stored.seq }, 15_000);
    expect(deleted, JSON.stringify(deleted)).toMatchObject({ type: 'reply' });
    deletedReply.resolve();
    const answer = await retried;
    heldHead = undefined;

    await expectFirstResultAndNoFile(answer, stored, fileId);
  });

  it('answers the first result when the message and its files were deleted before the retry', async () => {
    const fileId = await uploadText(rt, 'ann', 'deleted first');
    const frame = { action: 'publish', room, data: { text: 'late' }, files: [fileId], id: 'raced-late' };
    const stored = await publishAndDie(ann, frame, fileId);
    const deleted = await annElsewhere.request({ action: 'delete', room, seq: stored.seq });
    expect(deleted, JSON.stringify(deleted)).toMatchObject({ type: 'reply' });

    const answer = await ann.request(frame);
    await expectFirstResultAndNoFile(answer, stored, fileId);
  });
});
