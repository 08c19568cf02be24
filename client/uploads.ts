import { freshCredential } from './credentials.ts';
import { WaveletError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/**
 * A `Blob` or `File` as the SDK needs it, declared here so the SDK's types also work in a
 * project without the DOM library.
 */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What {@link uploadFile} accepts: a browser `File` or `Blob`, or bytes (a Node `Buffer`). */
export type UploadBody = BlobLike | Uint8Array;

export interface UploadOptions {
  /** @default the `File`'s name, else `file` */
  readonly name?: string;
  /** @default the `Blob`'s type, else `application/octet-stream` */
  readonly contentType?: string;
}

/**
 * `POST {httpUrl}/uploads` with the user's token, then the `PUT` of the bytes to the presigned
 * URL with the headers it came with; resolves with the file id to name in `files`. A refusal
 * rejects with a {@link WaveletError} carrying the server's code (`BAD_REQUEST`, `RATE_LIMITED`).
 */
export async function uploadFile(
  options: Pick<ResolvedOptions, 'httpUrl' | 'token'>,
  body: UploadBody,
  meta: UploadOptions = {},
): Promise<string> {
  if (options.httpUrl === undefined || options.token === undefined) {
    throw new WaveletError('BAD_REQUEST', 'upload needs the httpUrl and token options');
  }
  const blob = body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : (body as Blob);
  const contentType = meta.contentType ?? (blob.type || 'application/octet-stream');
  const name = meta.name ?? ((body as { name?: unknown }).name as string | undefined) ?? 'file';
  const { token } = await freshCredential({ token: options.token });
  const declared = await fetch(`${String(options.httpUrl).replace(/\/+$/, '')}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, contentType, size: blob.size }),
  });
  const answer = (await declared.json().catch(() => ({}))) as {
    fileId?: string;
    uploadUrl?: string;
    headers?: Record<string, string>;
    error?: { code: string; message: string };
  };
  if (!declared.ok || !answer.fileId || !answer.uploadUrl) {
    throw new WaveletError(
      answer.error?.code ?? 'INTERNAL',
      answer.error?.message ?? `POST /uploads: ${declared.status}`,
    );
  }
  const put = await fetch(answer.uploadUrl, { method: 'PUT', headers: answer.headers, body: blob });
  if (!put.ok) throw new WaveletError('INTERNAL', `The upload's PUT failed: ${put.status}`);
  return answer.fileId;
}
