import type { MessageFrame } from '../../../protocol/server-frames.ts';
import type { Deps } from '../deps.ts';
import type { BusEventDetails } from './bus-events.ts';
import { emitEvents } from './emit.ts';
import { type InboxCheck, scheduleInboxChecks } from './inbox-checks.ts';

/**
 * What the services call once a message is stored: its event on the bus, and for inbox entries
 * the delayed checks behind `inbox.unacked`. Each returns a promise that never rejects, so a
 * service can start it beside its delivery and await it before it returns (Lambda freezes the
 * container after the handler returns; an unawaited put might never be sent).
 */

/** `message.sent` for a stored direct message, and the check of the recipient's inbox entry. */
export async function announceDirectMessage(deps: Deps, frame: MessageFrame): Promise<void> {
  const { type: _type, recovered: _recovered, to, ...rest } = frame;
  if (to === undefined) return;
  const detail = { ...rest, to } as BusEventDetails['message.sent'];
  await Promise.all([
    emitEvents(deps, [{ detailType: 'message.sent', detail }]),
    scheduleInboxChecks(deps, [{ user: to, messageId: frame.id, from: frame.from, ts: frame.ts }]),
  ]);
}

/** `message.published` for a message stored in a room's history (an edit, delete or reaction too). */
export async function announceRoomMessage(deps: Deps, frame: MessageFrame): Promise<void> {
  const { type: _type, recovered: _recovered, to: _to, ...rest } = frame;
  await emitEvents(deps, [
    { detailType: 'message.published', detail: rest as BusEventDetails['message.published'] },
  ]);
}

/** The checks of notification entries stored in these users' inboxes (no bus event of its own). */
export async function announceInboxEntries(
  deps: Deps,
  entry: { messageId: string; ts: number },
  users: readonly string[],
): Promise<void> {
  const checks: InboxCheck[] = users.map((user) => ({ user, messageId: entry.messageId, ts: entry.ts }));
  await scheduleInboxChecks(deps, checks);
}
