import type { Page } from '../../../protocol/http-responses.ts';
import { badRequest } from '../errors.ts';

export type { Page };

/** DynamoDB's LastEvaluatedKey as an opaque, URL-safe cursor. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export function decodeCursor(cursor: string | undefined | null): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key;
  } catch {
    // fall through
  }
  throw badRequest('cursor is not valid');
}
