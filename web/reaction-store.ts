import { storeForTab } from './tab-storage.ts';

/**
 * What the page knows of the user's reactions, kept across reloads of the tab in
 * `sessionStorage`, per signed-in user (as direct-store.ts keeps direct conversations): the
 * reactions the user holds, and the reacts sent whose answer was not handled yet. A full or
 * refused storage only loses what a reload would have known: a click never fails for it.
 */

/**
 * A react left unanswered is sent again by a load this long after its click, no later. That
 * covers a reload, or a tab put back, right after the click, well inside the server's 24 hours
 * of idempotency keys: past those a resend is judged afresh and could undo a change made since
 * on another device, and a tab restored hours later knows nothing the server does not.
 */
export const resendWithinMs = 5 * 60_000;

/** A react as sent, with its idempotency key and when it was clicked (`at`, epoch ms). */
export interface SentReact {
  readonly room: string;
  readonly seq: number;
  readonly reaction: string;
  readonly on: boolean;
  readonly id: string;
  readonly at: number;
}

const heldKey = (me: string) => `wavelet.reactions.mine.${me}`;
const sentKey = (me: string) => `wavelet.reactions.sent.${me}`;

/** The reactions `me` holds as this tab knew them, per room: `{seq} {reaction}` each. */
export function keptReactions(me: string): Record<string, string[]> {
  try {
    const kept = JSON.parse(sessionStorage.getItem(heldKey(me)) ?? '{}') as unknown;
    if (typeof kept !== 'object' || kept === null || Array.isArray(kept)) return {};
    // Only lists of strings: anything else in the storage (edited, or from another version) is dropped.
    return Object.fromEntries(
      Object.entries(kept).filter(
        (entry): entry is [string, string[]] =>
          Array.isArray(entry[1]) && entry[1].every((held) => typeof held === 'string'),
      ),
    );
  } catch {
    return {};
  }
}

/** Keeps the reactions `me` holds, per room, for the tab's next load. */
export function keepReactions(me: string, held: Record<string, string[]>): void {
  storeForTab(heldKey(me), held);
}

/** The reacts of `me` an earlier load sent and never saw answered, clicked within `resendWithinMs`. */
export function keptSentReacts(me: string, now = Date.now()): SentReact[] {
  try {
    const kept = JSON.parse(sessionStorage.getItem(sentKey(me)) ?? '[]') as unknown;
    return Array.isArray(kept) ? kept.filter((r) => isSentReact(r) && now - r.at < resendWithinMs) : [];
  } catch {
    return [];
  }
}

/**
 * Notes `sent` as sent and unanswered, in place of an older react of the same reaction to the
 * same message (whose answer then sets no mark), and keeps the list for the tab. Returns the list.
 */
export function keepSent(me: string, sents: readonly SentReact[], sent: SentReact): SentReact[] {
  const same = (r: SentReact) => r.room === sent.room && r.seq === sent.seq && r.reaction === sent.reaction;
  const now = [...sents.filter((r) => !same(r)), sent];
  storeForTab(sentKey(me), now);
  return now;
}

/**
 * Forgets `sent` once its answer is handled (or it was replaced), so no later load sends it
 * again, and keeps the list for the tab. Returns the list.
 */
export function dropSent(me: string, sents: readonly SentReact[], sent: SentReact): SentReact[] {
  const now = sents.filter((r) => r.id !== sent.id);
  storeForTab(sentKey(me), now);
  return now;
}

export function isSentReact(r: unknown): r is SentReact {
  const { room, seq, reaction, on, id, at } = (r ?? {}) as Partial<SentReact>;
  return (
    typeof room === 'string' &&
    Number.isInteger(seq) &&
    typeof reaction === 'string' &&
    typeof on === 'boolean' &&
    typeof id === 'string' &&
    Number.isFinite(at)
  );
}
