import { historyDefaultLimit, recoveryMax, replyPageBytes } from '../../../protocol/limits.ts';
import type { HistoryPage } from '../../../protocol/results.ts';
import type { MessageFrame } from '../../../protocol/server-frames.ts';
import { deliverInOrder } from '../delivery/in-order.ts';
import type { Deps } from '../deps.ts';
import { listRoomMessages, type RoomMessage } from '../store/room-messages.ts';
import type { Caller } from '../ws-event.ts';
import { requireReader, requireRoom } from './access-policy.ts';
import { queueDepartures } from './departures.ts';
import { listThreadReplies } from './room-threads.ts';

/** A room message as it goes on the wire, in `message` frames and in history pages. */
export const toMessageFrame = (message: RoomMessage, recovered?: true): MessageFrame => ({
  type: 'message',
  id: message.id,
  from: message.from,
  room: message.room,
  seq: message.seq,
  data: message.data,
  ts: message.ts,
  ...(message.files ? { files: message.files } : {}),
  ...(recovered ? { recovered } : {}),
  ...(message.kind ? { kind: message.kind, target: message.target } : {}),
  ...(message.reaction !== undefined ? { reaction: message.reaction, on: message.on } : {}),
  ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
});

/**
 * A page of the room's history, newest first. `next` is the `before` of the following (older)
 * page, or null at the start of the room's history (or of what retention kept). Each message
 * has the fields of a `message` frame without `type`. A page holds fewer than `limit` messages
 * when more would take the reply past about 120 KB (API Gateway drops a reply over 128 KB).
 * With `replyTo`, the page is that message's thread, paged the same way.
 */
export async function readRoomHistory(
  deps: Deps,
  input: { caller: Caller; roomId: string; before?: number; limit?: number; replyTo?: number },
): Promise<HistoryPage> {
  const room = await requireRoom(deps, input.roomId);
  await requireReader(deps, room, input.caller);
  const query = {
    roomId: room.roomId,
    epoch: room.epoch,
    before: input.before,
    limit: input.limit ?? historyDefaultLimit,
    maxBytes: replyPageBytes,
  };
  const page =
    input.replyTo === undefined
      ? await listRoomMessages(deps, { ...query, ordinaryOnly: true })
      : await listThreadReplies(deps, { ...query, parent: input.replyTo });
  const { messages } = page;
  // A room page says where the next one starts (lifecycle entries are skipped); a thread page
  // goes on before its oldest reply.
  const next = page.more ? ((page as { next?: number }).next ?? messages.at(-1)?.seq) : undefined;
  return {
    messages: messages.map(
      ({ id, from, room: roomId, seq, data, ts, files, editedAt, deleted, reactions, replyTo, replies }) => ({
        id,
        from,
        room: roomId,
        seq,
        data,
        ts,
        ...(files ? { files } : {}),
        ...(editedAt !== undefined ? { editedAt } : {}),
        ...(deleted ? { deleted } : {}),
        ...(reactions ? { reactions } : {}),
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(replies ? { replies } : {}),
      }),
    ),
    next: next ?? null,
  };
}

const recoveryPage = 100;

/**
 * Pushes the messages after `since` up to `latest` to one connection, oldest first, through
 * the ordered delivery so they arrive in order (and before the join's reply). `complete` is false
 * when the first one is not `since + 1` (retention dropped some), when messages are missing
 * up to `latest`, or when the recovery stopped early.
 */
export async function recoverRoomMessages(
  deps: Deps,
  input: { roomId: string; epoch: number; connectionId: string; since: number; latest: number },
): Promise<{ recovered: number; complete: boolean }> {
  if (input.since > input.latest) return { recovered: 0, complete: false };
  let expected = input.since + 1;
  let complete = true;
  let recovered = 0;
  let since = input.since;
  while (since < input.latest) {
    if (recovered >= recoveryMax) return { recovered, complete: false };
    const limit = Math.min(recoveryPage, recoveryMax - recovered);
    const { messages, more } = await listRoomMessages(deps, {
      roomId: input.roomId,
      epoch: input.epoch,
      since,
      limit,
    });
    // Pages are in seq order, so the messages up to `latest` are the first ones.
    const due = messages.filter((message) => message.seq <= input.latest);
    const frames = due.map((message) => JSON.stringify(toMessageFrame(message, true)));
    const report = await deliverInOrder(deps, input.connectionId, frames);
    await queueDepartures(deps, report.removed);
    for (const message of due.slice(0, report.delivered)) {
      if (message.seq !== expected) complete = false;
      recovered += 1;
      expected = message.seq + 1;
      since = message.seq;
    }
    // The client went away or cannot be reached now: it will recover again when it rejoins.
    if (report.delivered < due.length) return { recovered, complete: false };
    if (due.length < messages.length) return { recovered, complete };
    if (!more) break;
  }
  return { recovered, complete: complete && since >= input.latest };
}
