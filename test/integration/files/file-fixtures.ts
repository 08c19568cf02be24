import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { api } from '../http/http-fixtures.ts';

/** An S3 client of the local runtime's bucket (s3rver checks no signature). */
export function localS3(rt: TestRuntime): S3Client {
  return new S3Client({
    endpoint: rt.endpoints.s3,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Declares and uploads a small text file as `as`; its file id. */
export async function uploadText(rt: TestRuntime, as: string, text: string): Promise<string> {
  const declared = await api(rt, 'POST', '/uploads', {
    as,
    body: { name: 'note.txt', contentType: 'text/plain', size: Buffer.byteLength(text) },
  });
  expect(declared.status, declared.text).toBe(201);
  const { uploadUrl, headers } = declared.body as { uploadUrl: string; headers: Record<string, string> };
  expect((await fetch(uploadUrl, { method: 'PUT', headers, body: text })).status).toBe(200);
  return (declared.body as { fileId: string }).fileId;
}

/** What `GET /files/{id}` answers `as`, redirects not followed. */
export async function getFile(rt: TestRuntime, as: string, fileId: string) {
  const res = await fetch(`${rt.endpoints.http}/files/${fileId}`, {
    headers: { authorization: `Bearer ${await rt.token(as)}` },
    redirect: 'manual',
  });
  return { status: res.status, body: await res.text() };
}

/** The status alone of {@link getFile}. */
export async function fileStatus(rt: TestRuntime, as: string, fileId: string): Promise<number> {
  return (await getFile(rt, as, fileId)).status;
}

/** The bucket's keys that name the file, under any prefix. */
export async function objectsOf(rt: TestRuntime, fileId: string): Promise<string[]> {
  const s3 = localS3(rt);
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: rt.endpoints.bucketName }));
    return (listed.Contents ?? []).map((o) => o.Key ?? '').filter((key) => key.endsWith(fileId));
  } finally {
    s3.destroy();
  }
}
