import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { api, codeOf } from '../http/http-fixtures.ts';
import { localS3 } from './file-fixtures.ts';

let rt: TestRuntime;
let s3: S3Client;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { UPLOAD_MAX_BYTES: '1000' } });
  s3 = localS3(rt);
});
afterAll(async () => {
  s3?.destroy();
  await rt?.stop();
});

interface SignedUpload {
  fileId: string;
  uploadUrl: string;
  headers: Record<string, string>;
  expiresAt: number;
}

const declare = async (as: string, body: Record<string, unknown>) => {
  const answer = await api(rt, 'POST', '/uploads', { as, body });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as unknown as SignedUpload;
};

/** Declares a file and PUTs `bytes` (the declared ones unless given) with `type`. */
async function upload(
  as: string,
  text: string,
  options: { bytes?: string; type?: string; declaredType?: string } = {},
): Promise<string> {
  const declaredType = options.declaredType ?? 'text/plain';
  const up = await declare(as, {
    name: 'note.txt',
    contentType: declaredType,
    size: Buffer.byteLength(text),
  });
  const put = await fetch(up.uploadUrl, {
    method: 'PUT',
    headers: { ...up.headers, ...(options.type ? { 'Content-Type': options.type } : {}) },
    body: options.bytes ?? text,
  });
  expect(put.status).toBe(200);
  return up.fileId;
}

const getFile = async (as: string, fileId: string) =>
  fetch(`${rt.endpoints.http}/files/${fileId}`, {
    headers: { authorization: `Bearer ${await rt.token(as)}` },
    redirect: 'manual',
  });

describe('Route: POST /uploads', () => {
  it('answers 201 with a presigned PUT that stores the object under pending/', async () => {
    const up = await declare('ann', { name: 'a.txt', contentType: 'text/plain', size: 5 });
    expect(up).toEqual({
      fileId: expect.any(String),
      uploadUrl: expect.stringContaining(`pending/${up.fileId}`),
      headers: { 'Content-Type': 'text/plain' },
      expiresAt: expect.any(Number),
    });
    expect((await fetch(up.uploadUrl, { method: 'PUT', headers: up.headers, body: 'hello' })).status).toBe(
      200,
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: rt.endpoints.bucketName, Key: `pending/${up.fileId}` }),
    );
    expect([head.ContentLength, head.ContentType]).toEqual([5, 'text/plain']);
  });

  it('refuses a size over UPLOAD_MAX_BYTES, a type off the allow-list and a bad body with 400', async () => {
    for (const body of [
      { name: 'big.txt', contentType: 'text/plain', size: 1001 },
      { name: 'run.exe', contentType: 'application/x-msdownload', size: 10 },
      { name: 'x', contentType: 'text/plain', size: 0 },
      { contentType: 'text/plain', size: 10 },
    ]) {
      const answer = await api(rt, 'POST', '/uploads', { as: 'ann', body });
      expect([answer.status, codeOf(answer)], JSON.stringify(body)).toEqual([400, 'BAD_REQUEST']);
    }
  });

  it('answers 401 without credentials', async () => {
    const answer = await api(rt, 'POST', '/uploads', {
      body: { name: 'a', contentType: 'text/plain', size: 1 },
    });
    expect(answer.status).toBe(401);
  });
});

describe('Action: send and publish with files', () => {
  let ann: TestSocket;
  let bob: TestSocket;
  beforeAll(async () => {
    ann = await rt.connect('ann');
    bob = await rt.connect('bob');
    const room = await api(rt, 'POST', '/rooms', {
      as: 'ann',
      body: { id: 'files-club', name: 'Files', type: 'private' },
    });
    expect(room.status).toBe(201);
    expect((await ann.request({ action: 'join', room: 'files-club' })).type).toBe('reply');
  });
  afterAll(async () => {
    await ann?.close();
    await bob?.close();
  });

  const refusal = async (frame: Record<string, unknown>) => {
    const answer = await ann.request(frame);
    expect(answer).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    return answer;
  };

  it('sends a direct message whose frame carries the file, which its recipient then reads', async () => {
    const fileId = await upload('ann', 'for bob');
    const reply = await ann.request({ action: 'send', to: 'bob', data: 'see file', files: [fileId] });
    expect(reply.type).toBe('reply');
    const frame = await bob.waitFor((f) => f.type === 'message' && f.data === 'see file');
    expect(frame.files).toEqual([{ id: fileId, name: 'note.txt', contentType: 'text/plain', size: 7 }]);

    const redirect = await getFile('bob', fileId);
    expect(redirect.status).toBe(302);
    const bytes = await fetch(redirect.headers.get('location') as string);
    expect(await bytes.text()).toBe('for bob');
    expect((await getFile('ann', fileId)).status).toBe(302);
    expect((await getFile('carol', fileId)).status).toBe(403);
  });

  it('publishes a room message with a file, kept in history, readable by members only', async () => {
    const fileId = await upload('ann', 'for the room');
    const reply = await ann.request({
      action: 'publish',
      room: 'files-club',
      data: 'room file',
      files: [fileId],
    });
    expect(reply.type).toBe('reply');
    const history = await ann.request({ action: 'history', room: 'files-club' });
    expect(JSON.stringify(history)).toContain(fileId);

    const redirect = await getFile('ann', fileId);
    expect(redirect.status).toBe(302);
    expect(await (await fetch(redirect.headers.get('location') as string)).text()).toBe('for the room');
    expect((await getFile('mallory', fileId)).status).toBe(403);
  });

  it('answers a retried send or publish with files by its first result, not as a file attached twice', async () => {
    for (const frame of [
      { action: 'send', to: 'bob', data: 'sent once' },
      { action: 'publish', room: 'files-club', data: 'published once' },
    ]) {
      const files = [await upload('ann', 'once')];
      const first = await ann.request({ ...frame, id: `retry-${frame.action}`, files });
      const again = await ann.request({ ...frame, id: `retry-${frame.action}`, files });
      expect(first.type).toBe('reply');
      expect(again).toMatchObject({
        type: 'reply',
        result: { messageId: (first.result as { messageId: string }).messageId },
      });
    }
  });

  it('answers 404 for an unknown file id', async () => {
    expect((await getFile('ann', 'A'.repeat(32))).status).toBe(404);
  });

  it('refuses a file never uploaded, stores nothing and leaves it attachable', async () => {
    const up = await declare('ann', { name: 'n.txt', contentType: 'text/plain', size: 3 });
    await refusal({ action: 'send', to: 'bob', data: 'missing', files: [up.fileId] });
    await fetch(up.uploadUrl, { method: 'PUT', headers: up.headers, body: 'abc' });
    expect((await ann.request({ action: 'send', to: 'bob', data: 'now', files: [up.fileId] })).type).toBe(
      'reply',
    );
  });

  it('refuses a stored object whose size or type differs from the declaration', async () => {
    await refusal({
      action: 'send',
      to: 'bob',
      data: 'size',
      files: [await upload('ann', 'four', { bytes: 'four and more' })],
    });
    await refusal({
      action: 'publish',
      room: 'files-club',
      data: 'type',
      files: [await upload('ann', 'four', { type: 'image/png' })],
    });
  });

  it('refuses another user’s upload, a file attached twice and more than ten files', async () => {
    await refusal({ action: 'send', to: 'bob', data: 'theirs', files: [await upload('bob', 'bobs')] });
    const once = await upload('ann', 'once');
    expect((await ann.request({ action: 'send', to: 'bob', data: 'first', files: [once] })).type).toBe(
      'reply',
    );
    await refusal({ action: 'publish', room: 'files-club', data: 'second', files: [once] });
    const eleven = Array.from({ length: 11 }, (_, i) => `file${i}`.padEnd(20, 'x'));
    await refusal({ action: 'send', to: 'bob', data: 'many', files: eleven });
  });

  it('leaves the other files of a refused message attachable', async () => {
    const good = await upload('ann', 'good');
    await refusal({ action: 'send', to: 'bob', data: 'mixed', files: [good, await upload('bob', 'nope')] });
    expect((await ann.request({ action: 'send', to: 'bob', data: 'good', files: [good] })).type).toBe(
      'reply',
    );
  });
});
