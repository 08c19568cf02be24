import type { Page } from '../../../protocol/http-responses.ts';
import { badRequest } from '../errors.ts';

export type { Page };

/** DynamoDB's LastEvaluatedKey (or any small record of strings) as an opaque, URL-safe cursor. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

/** The attribute names of the base table's key, what a Query of the table gives as its cursor. */
export const tableKeyNames = ['pk', 'sk'] as const;

/** DynamoDB refuses a sort key over 1,024 bytes (a partition key may have 2,048): the stricter bound for all. */
const maxKeyValueBytes = 1024;

/**
 * Reads back a cursor that {@link encodeCursor} made, holding exactly the string attributes
 * `names`. Anything else is BAD_REQUEST: a cursor that is not the canonical encoding of such a
 * record (padding, spacing, another order of bytes), extra or missing attributes, a value that is
 * not a non-empty string or is longer than a key can be. Such a start key would otherwise reach
 * DynamoDB and fail there as an internal error. Callers check the values' meaning (the right
 * partition) themselves.
 */
export function decodeCursor<N extends string>(
  cursor: string | undefined | null,
  names: readonly N[],
): Record<N, string> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
  const record = key as Record<string, unknown>;
  const fields = Object.keys(record);
  const exact =
    fields.length === names.length &&
    names.every((name) => {
      const value = Object.hasOwn(record, name) ? record[name] : undefined;
      return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= maxKeyValueBytes;
    });
  if (!exact || encodeCursor(record) !== cursor) throw invalidCursor();
  return record as Record<N, string>;
}

const invalidCursor = () =>
  badRequest('cursor is not valid: pass back a cursor exactly as this list gave it');
