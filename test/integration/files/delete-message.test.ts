import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type S3FaultProxy, startS3FaultProxy } from '../../helpers/s3-faults.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { getFile, objectsOf, uploadText } from './file-fixtures.ts';

// Deleting a room message deletes its files: `GET /files/{id}` answers as for an unknown id,
// both S3 objects are gone, and history lists no files. A delete whose object deletes fail
// part-way leaves the files unreadable, and its retry finishes the job.

let rt: TestRuntime;
let proxy: S3FaultProxy;
/** The file whose objects S3 refuses to delete, while set. */
let undeletable: string | undefined;

beforeAll(async () => {
  proxy = await startS3FaultProxy(
    (method, path) => method === 'DELETE' && undeletable !== undefined && path.endsWith(`/${undeletable}`),
  );
  rt = await startTestRuntime({
    functionEnv: { AWS_ENDPOINT_URL_S3: proxy.endpoint, POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
  });
  proxy.target = rt.endpoints.s3;
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
});

async function publishWith(socket: TestSocket, room: string, files: string[]): Promise<number> {
  const reply = await socket.request({ action: 'publish', room, data: { text: 'with files' }, files });
  expect(reply, JSON.stringify(reply)).toMatchObject({ type: 'reply' });
  return (reply.result as { seq: number }).seq;
}

async function historyEntry(socket: TestSocket, room: string, seq: number) {
  const reply = await socket.request({ action: 'history', room });
  const { messages } = reply.result as { messages: { seq: number }[] };
  return messages.find((m) => m.seq === seq) as Record<string, unknown>;
}

describe('Action: delete of a room message with files', () => {
  let ann: TestSocket;
  let bob: TestSocket;
  beforeAll(async () => {
    ann = await rt.connect('ann');
    bob = await rt.connect('bob');
    for (const room of ['deleted-files', 'kept-files']) {
      expect((await ann.request({ action: 'join', room })).type).toBe('reply');
      expect((await bob.request({ action: 'join', room })).type).toBe('reply');
    }
  });
  afterAll(async () => {
    await ann?.close();
    await bob?.close();
  });

  it('deletes its files: GET /files answers 404 as for an unknown id, the objects are gone, history lists none', async () => {
    const files = [await uploadText(rt, 'ann', 'first'), await uploadText(rt, 'ann', 'second')];
    const kept = await uploadText(rt, 'ann', 'in another room');
    const seq = await publishWith(ann, 'deleted-files', files);
    const keptSeq = await publishWith(ann, 'kept-files', [kept]);
    expect((await getFile(rt, 'bob', files[0] as string)).status).toBe(302);

    const deleted = await ann.request({ action: 'delete', room: 'deleted-files', seq });
    expect(deleted, JSON.stringify(deleted)).toMatchObject({ type: 'reply' });

    // To bob, an upload of ann's not attached to anything is an unknown file.
    const unattached = await uploadText(rt, 'ann', 'never attached');
    const unknown = await getFile(rt, 'bob', unattached);
    expect(unknown.status).toBe(404);
    for (const fileId of files) {
      for (const reader of ['bob', 'ann']) {
        const answer = await getFile(rt, reader, fileId);
        expect(answer.status).toBe(404);
        expect(JSON.parse(answer.body)).toEqual(JSON.parse(unknown.body.replace(unattached, fileId)));
      }
      expect(await objectsOf(rt, fileId)).toEqual([]);
    }
    const entry = await historyEntry(bob, 'deleted-files', seq);
    expect(entry).toMatchObject({ deleted: true, data: null });
    expect(entry).not.toHaveProperty('files');

    // The other room's message and its file are untouched.
    expect((await getFile(rt, 'bob', kept)).status).toBe(302);
    expect(await objectsOf(rt, kept)).toContain(`files/${kept}`);
    expect((await historyEntry(bob, 'kept-files', keptSeq)).files).toEqual([
      { id: kept, name: 'note.txt', contentType: 'text/plain', size: Buffer.byteLength('in another room') },
    ]);
  });

  it("deletes the files of another member's message that the room's owner deletes", async () => {
    // ann created (owns) the rooms by joining them first.
    const fileId = await uploadText(rt, 'bob', 'by bob');
    const seq = await publishWith(bob, 'deleted-files', [fileId]);
    const deleted = await ann.request({ action: 'delete', room: 'deleted-files', seq });
    expect(deleted, JSON.stringify(deleted)).toMatchObject({ type: 'reply' });
    expect((await getFile(rt, 'bob', fileId)).status).toBe(404);
    expect(await objectsOf(rt, fileId)).toEqual([]);
  });

  it('leaves nothing readable when the object deletes fail part-way, and its retry finishes the job', async () => {
    const [one, two] = [await uploadText(rt, 'ann', 'one'), await uploadText(rt, 'ann', 'two')];
    const files = [one, two];
    const seq = await publishWith(ann, 'deleted-files', files);
    const frame = { action: 'delete', room: 'deleted-files', seq, id: 'delete-retried' };
    undeletable = two;
    const failed = await ann.request(frame, 15_000);
    undeletable = undefined;
    expect(failed).toMatchObject({ type: 'error', code: 'INTERNAL' });
    expect(proxy.injected()).toBeGreaterThan(0);
    expect(await objectsOf(rt, two)).not.toEqual([]);
    // Half done: no file is readable, though an object is still there.
    for (const fileId of files) expect((await getFile(rt, 'bob', fileId)).status).toBe(404);

    const retried = await ann.request(frame);
    expect(retried, JSON.stringify(retried)).toMatchObject({ type: 'reply' });
    for (const fileId of files) {
      expect((await getFile(rt, 'bob', fileId)).status).toBe(404);
      expect(await objectsOf(rt, fileId)).toEqual([]);
    }
    const entry = await historyEntry(bob, 'deleted-files', seq);
    expect(entry).toMatchObject({ deleted: true, data: null });
    expect(entry).not.toHaveProperty('files');
    // Once: the retry answers the same seq again.
    expect(await ann.request(frame)).toMatchObject({ result: retried.result });
  });
});
