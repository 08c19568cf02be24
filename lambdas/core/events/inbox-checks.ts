import { requireResource } from '../config.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { sendRecords } from '../queue.ts';
import { hasInboxEntry } from '../store/inbox.ts';
import { type EventDeps, emitEvents } from './emit.ts';

/** A direct message or notification stored in `user`'s inbox, to check on later. */
export interface InboxCheck {
  readonly user: string;
  readonly messageId: string;
  /** The sender of a direct message; notifications have none. */
  readonly from?: string;
  /** When the entry was stored (epoch ms). */
  readonly ts: number;
}

/** The longest delay SQS gives a message: UNACKED_EVENT_SECONDS above it waits this long. */
export const maxCheckDelaySeconds = 900;

/**
 * Schedules one check per stored inbox entry, UNACKED_EVENT_SECONDS from now (at most 900 s,
 * the SQS delay cap), on the inbox-checks queue; nothing when the setting is 0. DynamoDB
 * Streams or TTL would do this on AWS, but the local table has neither, and one delayed SQS
 * message per entry works the same in both. Never throws (the entry is stored): a check that
 * cannot be queued is logged, and that entry gets no `inbox.unacked`.
 */
export async function scheduleInboxChecks(
  deps: Pick<Deps, 'config' | 'sqs'>,
  checks: readonly InboxCheck[],
): Promise<void> {
  const seconds = Math.min(deps.config.UNACKED_EVENT_SECONDS, maxCheckDelaySeconds);
  if (seconds === 0 || checks.length === 0) return;
  try {
    await sendRecords(
      deps,
      requireResource(deps.config, 'INBOX_CHECKS_QUEUE_URL'),
      checks.map((check) => ({ body: JSON.stringify(check), delaySeconds: seconds })),
    );
  } catch (error) {
    count('InternalErrors');
    logger.error('Inbox checks not queued', {
      messageIds: checks.map((c) => c.messageId),
      error: error as Error,
    });
  }
}

/**
 * The check itself: an entry still in the inbox was acknowledged by no device of its user, and
 * gets one `inbox.unacked` (its `id` is derived from the entry, so a check that runs twice is
 * deduped by subscribers like any retry); an entry gone (acknowledged) gets nothing.
 */
export async function checkUnacked(deps: EventDeps & Pick<Deps, 'db'>, check: InboxCheck): Promise<boolean> {
  if (!(await hasInboxEntry(deps, check.user, check.messageId))) return false;
  await emitEvents(deps, [
    {
      detailType: 'inbox.unacked',
      detail: {
        id: `unacked.${check.messageId}.${check.user}`,
        user: check.user,
        messageId: check.messageId,
        ...(check.from === undefined ? {} : { from: check.from }),
        ts: check.ts,
      },
    },
  ]);
  return true;
}

/** Reads a check record; a body that is not one throws an AppError (dead-lettered). */
export function parseInboxCheck(body: string): InboxCheck {
  let parsed: Partial<InboxCheck> | null;
  try {
    parsed = JSON.parse(body) as Partial<InboxCheck> | null;
  } catch {
    throw new AppError('BAD_REQUEST', 'The inbox check is not JSON');
  }
  const { user, messageId, from, ts } = parsed ?? {};
  if (typeof user !== 'string' || typeof messageId !== 'string' || typeof ts !== 'number') {
    throw new AppError('BAD_REQUEST', 'The inbox check needs user, messageId and ts');
  }
  if (from !== undefined && typeof from !== 'string')
    throw new AppError('BAD_REQUEST', 'from must be a string');
  return { user, messageId, ts, ...(from === undefined ? {} : { from }) };
}
