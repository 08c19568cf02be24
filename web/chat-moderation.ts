import { WaveletError } from '../client/index.ts';
import type { ChatLine, ChatModel, Conversation } from './chat-model.ts';

/**
 * Deleting others' room messages. The server lets the author, the room's owner or an admin delete
 * a message (docs/protocol.md, `delete`); the page offers it to the same people: the owner as
 * `GET /rooms/{id}` names it, an admin by the `roles` claim of the page's token. Both are only a
 * hint for what to show: the server decides, and a refusal is shown as a notice.
 */

/** True when this user may delete `line` of room `c`: their own, or anyone's as owner or admin. */
export function canDelete(model: ChatModel, c: Conversation, line: ChatLine): boolean {
  if (c.kind !== 'room') return false;
  return line.from === model.me || model.admin || c.owner === model.me;
}

/** The question asked before deleting someone else's message; none for one's own. */
export function deleteQuestion(model: ChatModel, line: ChatLine | undefined): string | undefined {
  if (!line || line.from === model.me) return undefined;
  return `Delete ${line.from}'s message?`;
}

/**
 * The roles a JWT's `roles` claim names (an array of strings, or one string of roles separated by
 * spaces, as the authorizer reads it); none when the token cannot be read. The signature is not
 * checked: the page only decides which buttons to show.
 */
export function rolesOf(token: string): string[] {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const roles = (JSON.parse(json) as { roles?: unknown }).roles;
    if (typeof roles === 'string') return roles.split(' ').filter(Boolean);
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** What the user reads when a delete is refused; the line stays as it was. */
export function notDeleted(error: Error): string {
  const code = error instanceof WaveletError ? error.code : undefined;
  if (code === 'FORBIDDEN')
    return 'Not deleted: only its author, the room’s owner or an admin can delete this message.';
  if (code === 'NOT_FOUND') return 'Not deleted: the message is already deleted or gone.';
  return `Not deleted: ${error.message}`;
}
