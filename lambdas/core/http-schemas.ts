import * as z from 'zod/mini';
import './schema.ts';
import { bounded, roomIdOf } from './schema-fields.ts';

/**
 * Bodies, path parameters and query strings of the HTTP API (PROTOCOL.md, "HTTP API"). Unknown
 * body fields are ignored, as for frames, so that older servers accept newer clients.
 */
const roomId = roomIdOf('room id');
/** User ids are JWT subjects (`auth0|123`, UUIDs): any text, bounded. */
const userId = bounded(1, 128);
const roomName = bounded(1, 200);
const roomType = z.enum(['public', 'private']);
/** 0 means no limit. */
export const maxMembersLimit = 100_000;
const maxMembers = z.number().check(z.int(), z.gte(0), z.lte(maxMembersLimit));

export const createRoomBody = z.object({
  /** Optional client-chosen id; the server makes a URL-safe one otherwise. */
  id: z.optional(roomId),
  name: roomName,
  type: roomType,
  maxMembers: z._default(maxMembers, 0),
});

export const updateRoomBody = z
  .object({ name: z.optional(roomName), type: z.optional(roomType), maxMembers: z.optional(maxMembers) })
  .check(
    z.refine((patch) => Object.values(patch).some((v) => v !== undefined), {
      message: 'Give at least one of name, type, maxMembers',
    }),
  );

export const roomPath = z.object({ id: roomId });
export const memberPath = z.object({ id: roomId, userId });

/** Lists are paged: 50 items by default, at most 100, so that a page stays small. */
export const defaultPageSize = 50;
export const maxPageSize = 100;
const limit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(maxPageSize)), defaultPageSize);

export const pageQuery = z.object({ cursor: z.optional(bounded(1, 2048)), limit });
export const historyQuery = z.object({
  before: z.optional(z.coerce.number().check(z.int(), z.gte(1))),
  limit,
});

export type CreateRoomBody = z.infer<typeof createRoomBody>;
export type UpdateRoomBody = z.infer<typeof updateRoomBody>;
export type PageQuery = z.infer<typeof pageQuery>;
export type HistoryQuery = z.infer<typeof historyQuery>;
