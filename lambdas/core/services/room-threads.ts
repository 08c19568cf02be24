import { mapWithConcurrency } from '../delivery/concurrency.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { getRoomMessage, type RoomMessage } from '../store/room-messages.ts';
import { addThreadPointer, countThreadReply, listThreadSeqs } from '../store/room-threads.ts';

/**
 * The message a reply or a thread page names: an ordinary message (not an edit, delete or reaction
 * entry) of this life of the room, else NOT_FOUND. A deleted message takes no new replies (as it
 * takes no edit), but its thread stays readable (`deleted: 'readable'`).
 */
export async function requireThreadParent(
  deps: Deps,
  room: { roomId: string; epoch: number },
  seq: number,
  deleted: 'refused' | 'readable' = 'refused',
): Promise<RoomMessage> {
  const parent = await getRoomMessage(deps, room.roomId, room.epoch, seq);
  if (!parent || parent.kind || (parent.deleted && deleted === 'refused'))
    throw notFound(`No message ${seq} in room ${room.roomId}`);
  return parent;
}

/**
 * Puts a stored reply in its parent's thread: the pointer, then the parent's count, which only the
 * attempt that created the pointer adds (so a retried publish, which calls this again to finish
 * what a crashed attempt left, counts the reply once). A failure is logged, not thrown: the reply
 * is stored and delivered all the same, and is missing from the thread (or from its count).
 */
export async function recordThreadReply(deps: Deps, epoch: number, reply: RoomMessage): Promise<void> {
  if (reply.replyTo === undefined) return;
  const pointer = { roomId: reply.room, epoch, parent: reply.replyTo, seq: reply.seq, ts: reply.ts };
  try {
    if (await addThreadPointer(deps, pointer))
      await countThreadReply(deps, { roomId: reply.room, epoch, seq: reply.replyTo });
  } catch (error) {
    count('InternalErrors');
    logger.error('A reply was stored but not added to its thread', {
      roomId: reply.room,
      seq: reply.seq,
      replyTo: reply.replyTo,
      error: error as Error,
    });
  }
}

/** How many of a thread page's replies are read at once. */
const readConcurrency = 10;

/**
 * A page of a thread, newest first: the replies' seqs from the thread's pointers, then each reply
 * in its current state. NOT_FOUND when the parent is not a message of this life of the room
 * (a deleted parent's thread is still read). With `maxBytes`, the page stops before the reply that would take it past
 * that size (it holds at least one) and `more` says the rest follows.
 */
export async function listThreadReplies(
  deps: Deps,
  input: { roomId: string; epoch: number; parent: number; before?: number; limit: number; maxBytes?: number },
): Promise<{ messages: RoomMessage[]; more: boolean }> {
  await requireThreadParent(deps, input, input.parent, 'readable');
  const { seqs, more } = await listThreadSeqs(deps, input);
  const found = await mapWithConcurrency(seqs, readConcurrency, (seq) =>
    getRoomMessage(deps, input.roomId, input.epoch, seq),
  );
  const messages: RoomMessage[] = [];
  let bytes = 0;
  for (const message of found) {
    if (!message) continue; // past retention, or a pointer whose reply is gone
    bytes += Buffer.byteLength(JSON.stringify(message));
    if (input.maxBytes !== undefined && bytes > input.maxBytes && messages.length > 0)
      return { messages, more: true };
    messages.push(message);
  }
  return { messages, more };
}
