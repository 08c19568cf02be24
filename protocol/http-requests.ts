import * as z from 'zod/mini';
import './zod-locale.ts';
import { bounded, roomIdOf, userId } from './fields.ts';
import {
  defaultPageSize,
  fileIdShape,
  maxCursorLength,
  maxFileNameLength,
  maxMembersLimit,
  maxPageSize,
  maxRoomNameLength,
} from './limits.ts';

/**
 * Bodies, path parameters and query strings of the HTTP API (docs/protocol.md, "HTTP API").
 * Unknown body fields are ignored, as for frames, so that older servers accept newer clients.
 */
const roomId = roomIdOf('room id');
const roomName = bounded(1, maxRoomNameLength);
const roomType = z.enum(['public', 'private']);
/** 0 means no limit. */
const maxMembers = z.number().check(z.int(), z.gte(0), z.lte(maxMembersLimit));

/** `POST /rooms`. */
export const createRoomBody = z.object({
  /** Optional client-chosen id; the server makes a URL-safe one otherwise. */
  id: z.optional(roomId),
  name: roomName,
  type: roomType,
  maxMembers: z._default(maxMembers, 0),
});

/** `POST /uploads`: the file to be uploaded; its size and type bounds are the server's config. */
export const createUploadBody = z.object({
  name: bounded(1, maxFileNameLength),
  contentType: z
    .string()
    .check(z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'contentType must be a MIME type, e.g. image/png')),
  size: z.number().check(z.int(), z.gte(1)),
});

/** `GET /files/{fileId}`. */
export const filePath = z.object({ fileId: z.string().check(z.regex(fileIdShape, 'Unknown file id')) });

/** `PATCH /rooms/{id}`. */
export const updateRoomBody = z
  .object({ name: z.optional(roomName), type: z.optional(roomType), maxMembers: z.optional(maxMembers) })
  .check(
    z.refine((patch) => Object.values(patch).some((v) => v !== undefined), {
      message: 'Give at least one of name, type, maxMembers',
    }),
  );

export const roomPath = z.object({ id: roomId });
export const memberPath = z.object({ id: roomId, userId });

const limit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(maxPageSize)), defaultPageSize);

/** `?cursor=&limit=` of the paged lists. */
export const pageQuery = z.object({ cursor: z.optional(bounded(1, maxCursorLength)), limit });

/** `GET /rooms/{id}/messages?before=&limit=&replyTo=` (with `replyTo`, that message's thread). */
export const historyQuery = z.object({
  before: z.optional(z.coerce.number().check(z.int(), z.gte(1))),
  limit,
  replyTo: z.optional(z.coerce.number().check(z.int(), z.gte(1))),
});

export type RoomType = z.infer<typeof roomType>;
export type CreateRoomBody = z.infer<typeof createRoomBody>;
/** `POST /rooms` as a caller writes it (`id` and `maxMembers` may be left out). */
export type CreateRoomRequest = z.input<typeof createRoomBody>;
export type UpdateRoomBody = z.infer<typeof updateRoomBody>;
export type PageQuery = z.infer<typeof pageQuery>;
export type HistoryQuery = z.infer<typeof historyQuery>;

/** Limits of `PUT /moderation`. */
export const maxModerationWords = 1000;
export const maxModerationWordLength = 64;
const moderationWord = z.string().check(
  z.minLength(1),
  z.maxLength(maxModerationWordLength),
  z.refine((w) => w.trim().length > 0, 'a word must not be only whitespace'),
);

/** `PUT /moderation`: the words to screen and what a match does. */
export const moderationBody = z.object({
  words: z.array(moderationWord).check(z.maxLength(maxModerationWords)),
  mode: z.enum(['mask', 'reject']),
});
export type ModerationBody = z.infer<typeof moderationBody>;
