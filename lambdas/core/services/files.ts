import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { files as layout } from '../../../lib/manifest.ts';
import type { Upload } from '../../../protocol/http-responses.ts';
import { maxFilesPerMessage } from '../../../protocol/limits.ts';
import type { FileRef } from '../../../protocol/server-frames.ts';
import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { badRequest, forbidden, isAppError, notFound } from '../errors.ts';
import { newSecretToken } from '../ids.ts';
import { defaultS3Client } from '../s3-client.ts';
import {
  type FileRecord,
  getFileRecord,
  markFileAttached,
  markFileDeleted,
  putFileRecord,
  unmarkFileAttached,
} from '../store/files.ts';
import { type Principal, requireReader, requireRoom } from './access-policy.ts';

/** How long a presigned `PUT` or `GET` is valid. */
const presignSeconds = 300;

const s3Of = (deps: Deps) => deps.s3 ?? defaultS3Client(deps.config);
const bucketOf = (deps: Deps) => requireResource(deps.config, 'FILES_BUCKET');

/** `image/*` in the allow-list matches every `image/...` type. */
export function isAllowedContentType(allowList: string, contentType: string): boolean {
  const type = contentType.toLowerCase();
  return allowList
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .some((allowed) => allowed === type || (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1))));
}

export interface UploadRequest {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * `POST /uploads`: records the declared file and signs a `PUT` of exactly that size and type
 * under `pending/` (S3 refuses another Content-Length or Content-Type; the local emulator does
 * not check signatures, which is why attaching checks the stored object too).
 */
export async function createUpload(deps: Deps, owner: string, request: UploadRequest): Promise<Upload> {
  if (request.size > deps.config.UPLOAD_MAX_BYTES) {
    throw badRequest(`size must be at most ${deps.config.UPLOAD_MAX_BYTES} bytes`);
  }
  if (!isAllowedContentType(deps.config.UPLOAD_CONTENT_TYPES, request.contentType)) {
    throw badRequest(`contentType ${request.contentType} is not accepted`);
  }
  const bucket = bucketOf(deps);
  const fileId = newSecretToken();
  const createdAt = deps.now();
  await putFileRecord(deps, { fileId, owner, ...request, createdAt });
  const uploadUrl = await getSignedUrl(
    s3Of(deps),
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${layout.pendingPrefix}${fileId}`,
      ContentType: request.contentType,
      ContentLength: request.size,
    }),
    { expiresIn: presignSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
  );
  return {
    fileId,
    uploadUrl,
    headers: { 'Content-Type': request.contentType },
    expiresAt: createdAt + presignSeconds * 1000,
  };
}

/** Where attached files go: a room, or a direct message between its sender and recipient. */
export type AttachTarget = { readonly room: string } | { readonly to: string };

/** What a message's files were attached as: enough to undo it if the message is not stored. */
export interface Attached {
  /** What the frame carries. */
  readonly refs: FileRef[];
  readonly records: readonly FileRecord[];
  readonly messageId: string;
}

/**
 * Attaches the caller's uploads to message `messageId` before it is stored: each must be the
 * caller's, uploaded with its declared size and type, and not attached to another message (one
 * conditional update each, undone if a later one fails); then each is copied out of `pending/`,
 * which expires. Any refusal is BAD_REQUEST and leaves every file as it was. Attaching again for
 * the same message succeeds (a retry that took over a dead attempt's key), unless that attempt
 * stored the message and it was deleted since, before or during the attach: then
 * {@link MessageDeletedError} (and see {@link dropCopiesOfDeletedMessage} for a delete that
 * runs during the copy). A message that is then not stored gives its files back with
 * {@link detachFiles}.
 */
export async function attachFiles(
  deps: Deps,
  owner: string,
  fileIds: readonly string[] | undefined,
  target: AttachTarget,
  messageId: string,
): Promise<Attached | undefined> {
  if (!fileIds || fileIds.length === 0) return undefined;
  if (fileIds.length > maxFilesPerMessage)
    throw badRequest(`At most ${maxFilesPerMessage} files per message`);
  if (new Set(fileIds).size !== fileIds.length) throw badRequest('A file is named twice in files');
  const bucket = bucketOf(deps);
  const attachedTo = 'room' in target ? `room:${target.room}` : `user:${target.to}`;
  const attachment = { attachedTo, messageId, readers: 'room' in target ? [] : [owner, target.to] };
  const records = await Promise.all(fileIds.map((id) => checkUploaded(deps, bucket, owner, id, attachment)));
  const marked: FileRecord[] = [];
  try {
    for (const record of records) {
      if (!(await markFileAttached(deps, record.fileId, owner, attachment))) {
        // Owner and attachment matched when read: only a delete's mark since can refuse it.
        if (record.messageId === messageId) throw new MessageDeletedError(messageId);
        throw badRequest(`File ${record.fileId} is already attached to a message`);
      }
      marked.push(record);
    }
  } catch (error) {
    await detachFiles(deps, { refs: [], records: marked, messageId });
    throw error;
  }
  await Promise.all(
    records.map((r) =>
      s3Of(deps).send(
        new CopyObjectCommand({
          Bucket: bucket,
          CopySource: `${bucket}/${layout.pendingPrefix}${r.fileId}`,
          Key: `${layout.attachedPrefix}${r.fileId}`,
        }),
      ),
    ),
  );
  const refs = records.map((r) => ({ id: r.fileId, name: r.name, contentType: r.contentType, size: r.size }));
  return { refs, records, messageId };
}

/**
 * The message a retry attaches files to was stored by the attempt whose key it took over, and
 * deleted since, with its files: the retry stores nothing and answers that attempt's result.
 */
export class MessageDeletedError extends Error {
  constructor(readonly messageId: string) {
    super(`Message ${messageId} was stored by an earlier attempt and deleted since`);
    this.name = 'MessageDeletedError';
  }
}

/**
 * Only a retry that took over a dead attempt's key finds its files attached to this very
 * message already (a first attempt finds them unattached), and only then can the message be
 * stored, hence deletable, while this attempt copies: a delete could mark the files and delete
 * `files/{id}` between this attempt's mark and its copy, which would put the object back. So
 * such a retry reads its records again once the copies are done (a consistent read, off the
 * normal path): a delete marks every record before it deletes any object, so either the mark is
 * seen here, or the delete's object deletes come after this copy and remove it. Seen marked:
 * the copies and the uploads are deleted here, and {@link MessageDeletedError} is thrown. For
 * room messages, the only ones deleted with their files (a `publish` calls it after
 * {@link attachFiles}).
 */
export async function dropCopiesOfDeletedMessage(deps: Deps, attached: Attached | undefined): Promise<void> {
  if (!attached) return;
  // As read before the attach: checkUploaded let through no other message's file.
  const retaken = attached.records.filter((r) => r.messageId === attached.messageId);
  if (retaken.length === 0) return;
  const now = await Promise.all(retaken.map((r) => getFileRecord(deps, r.fileId)));
  if (!now.some((r) => r?.deletedAt !== undefined)) return;
  // The delete marks every file of the message, so each of these goes; a file this retry named
  // that the deleted message did not carry loses only this retry's copy and is given back.
  const bucket = bucketOf(deps);
  const added = attached.records.filter((r) => r.messageId !== attached.messageId);
  await Promise.all([
    deleteFileObjects(
      deps,
      bucket,
      retaken.map((r) => r.fileId),
    ),
    ...added.map((r) =>
      s3Of(deps).send(
        new DeleteObjectCommand({ Bucket: bucket, Key: `${layout.attachedPrefix}${r.fileId}` }),
      ),
    ),
  ]);
  await detachFiles(deps, attached);
  throw new MessageDeletedError(attached.messageId);
}

/** Deletes both objects of each file, `files/` and the `pending/` upload (a missing one is fine). */
async function deleteFileObjects(deps: Deps, bucket: string, fileIds: readonly string[]): Promise<void> {
  await Promise.all(
    fileIds.flatMap((id) =>
      [layout.attachedPrefix, layout.pendingPrefix].map((prefix) =>
        s3Of(deps).send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}${id}` })),
      ),
    ),
  );
}

/**
 * Gives back the files of a message that was not stored after all (its store failed): they
 * are attachable again, so the client's retry can attach them. Best effort, never throws. A
 * file that was attached to this message before this attempt (a retry that took over a key)
 * stays: the attempt that attached it may have stored the message, and a delete of that
 * message finds its files by that mark.
 */
export async function detachFiles(deps: Deps, attached: Attached | undefined): Promise<void> {
  if (!attached) return;
  const added = attached.records.filter((record) => record.messageId !== attached.messageId);
  await Promise.all(added.map((record) => unmarkFileAttached(deps, record, attached.messageId)));
}

async function checkUploaded(
  deps: Deps,
  bucket: string,
  owner: string,
  fileId: string,
  attachment: { attachedTo: string; messageId: string },
): Promise<FileRecord> {
  const record = typeof fileId === 'string' && fileId ? await getFileRecord(deps, fileId) : undefined;
  if (!record || record.owner !== owner) throw badRequest(`File ${fileId} is not an upload of yours`);
  const sameMessage =
    record.attachedTo === attachment.attachedTo && record.messageId === attachment.messageId;
  if (record.attachedTo && !sameMessage) throw badRequest(`File ${fileId} is already attached to a message`);
  // Attached to this message, which the attempt that stored it saw deleted since (see below).
  if (sameMessage && record.deletedAt !== undefined) throw new MessageDeletedError(attachment.messageId);
  const head = await s3Of(deps)
    .send(new HeadObjectCommand({ Bucket: bucket, Key: `${layout.pendingPrefix}${fileId}` }))
    .catch((error: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      if (error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    });
  if (!head) {
    // A retry's own file gone from pending/: a delete of its message may have run since the read.
    if (sameMessage && (await getFileRecord(deps, fileId))?.deletedAt !== undefined) {
      throw new MessageDeletedError(attachment.messageId);
    }
    throw badRequest(`File ${fileId} has not been uploaded`);
  }
  if (head.ContentLength !== record.size) {
    throw badRequest(`File ${fileId} is ${head.ContentLength} bytes, not the declared ${record.size}`);
  }
  if (head.ContentType?.toLowerCase() !== record.contentType.toLowerCase()) {
    throw badRequest(`File ${fileId} is ${head.ContentType}, not the declared ${record.contentType}`);
  }
  return record;
}

/**
 * `GET /files/{fileId}`: a presigned `GET` of an attached file for whoever may see its message
 * (a room's readers; a direct message's sender and recipient) and for its uploader; FORBIDDEN
 * for anyone else, NOT_FOUND for an unknown id or an upload not attached yet (to others).
 */
export async function fileUrlFor(
  deps: Deps,
  who: Principal & { userId: string },
  fileId: string,
): Promise<string> {
  const record = await getFileRecord(deps, fileId);
  // A file deleted with its message answers as an unknown one, to its uploader too.
  if (!record || record.deletedAt !== undefined) throw notFound(`Unknown file ${fileId}`);
  const attachedTo = record.attachedTo;
  if (record.owner !== who.userId) {
    if (!attachedTo) throw notFound(`Unknown file ${fileId}`);
    if (attachedTo.startsWith('room:')) {
      try {
        await requireReader(deps, await requireRoom(deps, attachedTo.slice('room:'.length)), who);
      } catch (error) {
        if (isAppError(error)) throw forbidden(`You may not read file ${fileId}`);
        throw error;
      }
    } else if (!record.readers?.includes(who.userId)) {
      throw forbidden(`You may not read file ${fileId}`);
    }
  }
  const prefix = attachedTo ? layout.attachedPrefix : layout.pendingPrefix;
  return getSignedUrl(
    s3Of(deps),
    new GetObjectCommand({ Bucket: bucketOf(deps), Key: `${prefix}${fileId}` }),
    { expiresIn: presignSeconds },
  );
}

/**
 * Deletes the files of room message `messageId` as the message is deleted: first every record is
 * marked (from then on `GET /files/{id}` answers 404, as for an unknown id), then both objects of
 * each (`files/` and the `pending/` upload) are deleted. Runs before the delete entry is stored,
 * so an entry means its files are gone; a failure part-way throws (the delete answers INTERNAL
 * and stores nothing), and the retry does it all again (every step is idempotent: a mark keeps
 * its first time, deleting a missing object succeeds). A file not attached to that very message
 * (a forged or stale ref) is left alone.
 */
export async function deleteMessageFiles(
  deps: Deps,
  roomId: string,
  message: { readonly id: string; readonly files?: readonly FileRef[] },
): Promise<void> {
  if (!message.files || message.files.length === 0) return;
  const bucket = bucketOf(deps);
  const attachment = { attachedTo: `room:${roomId}`, messageId: message.id };
  const at = deps.now();
  const marks = await Promise.all(message.files.map(({ id }) => markFileDeleted(deps, id, attachment, at)));
  const marked = message.files.filter((_, i) => marks[i]).map(({ id }) => id);
  await deleteFileObjects(deps, bucket, marked);
}
