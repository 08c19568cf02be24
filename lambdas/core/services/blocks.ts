import type { BlockedUser, Page } from '../../../protocol/http-responses.ts';
import { maxBlocks, maxUserIdLength } from '../../../protocol/limits.ts';
import type { BlockResult } from '../../../protocol/results.ts';
import type { Deps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { addBlock, listBlocks, removeBlock } from '../store/blocks.ts';

/**
 * Stops direct messages from `user` to the caller (they are answered as usual but neither stored
 * nor delivered). Idempotent: blocking a user twice counts once. At most `maxBlocks` users.
 */
export async function blockUser(deps: Deps, input: { caller: string; user: string }): Promise<BlockResult> {
  if (input.user === input.caller) throw badRequest('you cannot block yourself');
  const added = await addBlock(deps, input.caller, input.user, maxBlocks);
  if (added.outcome === 'limit') throw badRequest(`you already block ${maxBlocks} users, the most allowed`);
  return { blocked: added.count };
}

/** Resumes direct messages from `user`; unblocking a user who is not blocked changes nothing. */
export async function unblockUser(deps: Deps, input: { caller: string; user: string }): Promise<BlockResult> {
  if (input.user === input.caller) throw badRequest('you cannot block yourself');
  return { blocked: (await removeBlock(deps, input.caller, input.user)).count };
}

/**
 * A page of the users the caller blocks, in user id order. The cursor is the last user of the
 * page (base64url), so no key from elsewhere can reach the table through it.
 */
export async function listBlockedUsers(
  deps: Deps,
  caller: string,
  query: { limit: number; cursor?: string },
): Promise<Page<BlockedUser>> {
  const after = query.cursor === undefined ? undefined : decodeBlockCursor(query.cursor);
  const page = await listBlocks(deps, caller, { limit: query.limit, after });
  const items = page.items.map((b) => ({ user: b.blocked, blockedAt: b.blockedAt }));
  const last = items.at(-1);
  return { items, cursor: page.more && last ? Buffer.from(last.user).toString('base64url') : null };
}

function decodeBlockCursor(cursor: string): string {
  const user = Buffer.from(cursor, 'base64url').toString('utf8');
  if (
    user.length === 0 ||
    user.length > maxUserIdLength ||
    Buffer.from(user).toString('base64url') !== cursor
  )
    throw badRequest('cursor is not valid');
  return user;
}
