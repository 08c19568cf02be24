import type { Deps } from '../deps.ts';
import { isBlocked } from '../store/blocks.ts';
import { getSenderCount, inboxFull, recountSender } from '../store/inbox.ts';
import { epochSeconds } from '../store/keys.ts';

/**
 * The checks a direct message passes before anything is written: whether the recipient blocks
 * the sender, and whether the sender already holds `INBOX_MAX_PER_SENDER` unacknowledged
 * messages in the recipient's inbox (so that one sender cannot push everyone else's messages out
 * of an inbox capped at INBOX_MAX). Both are one GetItem, read at once.
 *
 * Returns true when the message is to be dropped unseen (the recipient blocks the sender: the
 * caller answers as usual, so the sender is not told), false when it may be sent, and throws
 * `INBOX_FULL` when the sender's share of the inbox is full.
 */
export async function screenDirectMessage(
  deps: Deps,
  input: { readonly from: string; readonly to: string },
): Promise<boolean> {
  const max = deps.config.INBOX_MAX_PER_SENDER;
  const [blocked, held] = await Promise.all([
    isBlocked(deps, input.to, input.from),
    getSenderCount(deps, input.to, input.from),
  ]);
  if (blocked) return true;
  if (held.count < max) return false;
  // The count may be too high: entries pass their expiry without anyone decrementing it (TTL
  // deletes late and silently). None of them expires before checkAfter, so only after it is the
  // inbox read to count for real; the recount moves checkAfter on to the oldest entry left.
  const mayHaveExpired = held.checkAfter === undefined || epochSeconds(deps.now()) >= held.checkAfter;
  if (mayHaveExpired && (await recountSender(deps, input.to, input.from)) < max) return false;
  throw inboxFull(max);
}
