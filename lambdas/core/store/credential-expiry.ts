import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { isConditionFailed } from '../errors.ts';
import { batchGet } from './batch.ts';
import { keys } from './keys.ts';

/**
 * A connection's credential expiry (epoch ms) lives in its last-seen record (keys.seen), which
 * `putConnection` writes at `$connect` and the sweeper reads page by page anyway: no index is
 * needed to find the expired ones, and `$connect`, `$disconnect` and `refresh` write no index
 * entry for it. `closingAt` on the same record marks a close the sweeper has claimed.
 */

/** The connection's credential expiry, undefined when it has none or its record is gone. */
export async function getCredentialExpiry(
  deps: TableDeps,
  connectionId: string,
  consistent = false,
): Promise<number | undefined> {
  const seen = await readExpiry(deps, keys.seen(connectionId), consistent);
  // TRANSITION: see getLegacyCredentialExpiry (a last-seen record always has it otherwise).
  if (seen && seen.credentialExpiresAt === undefined) {
    return getLegacyCredentialExpiry(deps, connectionId, consistent);
  }
  return seen?.credentialExpiresAt;
}

/**
 * TRANSITION, for one release: remove it, its calls and {@link claimLegacyExpiredClose} 2 hours
 * after the deploy that carries it. A connection opened before the expiry moved into the
 * last-seen record (f118164) has it only in its connection record (`credentialExpiresAt` on
 * `CONN#`, which a `refresh` before that deploy moved too); API Gateway closes every connection
 * within 2 hours, so none is left after that. Read only for a last-seen record without an
 * expiry, which no connection opened since has.
 */
export async function getLegacyCredentialExpiry(
  deps: TableDeps,
  connectionId: string,
  consistent = false,
): Promise<number | undefined> {
  return (await readExpiry(deps, keys.connection(connectionId), consistent))?.credentialExpiresAt;
}

/**
 * The `credentialExpiresAt` of the record at `key`, undefined when the record is gone. `pk` is
 * read too, so a record without an expiry is told apart from a gone one.
 */
async function readExpiry(
  deps: TableDeps,
  key: Record<string, string>,
  consistent: boolean,
): Promise<{ credentialExpiresAt?: number } | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: key,
      ProjectionExpression: 'pk, credentialExpiresAt',
      ConsistentRead: consistent,
    }),
  );
  return Item && { credentialExpiresAt: Item.credentialExpiresAt as number | undefined };
}

/**
 * Moves the connection's credential expiry (a `refresh`): one write unit. The condition keeps
 * a refresh from recreating the record of a closed connection, and from moving the expiry of
 * one whose close the sweeper has claimed ({@link claimExpiredClose}): of the two racing, one
 * wins, so a refresh answered OK is never followed by an `expired` close. False when refused.
 */
export async function moveCredentialExpiry(
  deps: TableDeps,
  connectionId: string,
  credentialExpiresAt: number,
): Promise<boolean> {
  return conditionalUpdate(deps, connectionId, {
    UpdateExpression: 'SET credentialExpiresAt = :expiry',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closingAt)',
    ExpressionAttributeValues: { ':expiry': credentialExpiresAt },
  });
}

/**
 * Claims the close of a connection whose credential expired before `expiredBefore` (epoch
 * ms), as the sweeper read it. False when a `refresh` moved the expiry since the page was read,
 * or the record is gone. A claim that is not followed by the close (a crash) is taken again
 * by the next run: the expiry it found is still there, since no refresh can move it now.
 */
export async function claimExpiredClose(
  deps: TableDeps,
  connectionId: string,
  expiredBefore: number,
): Promise<boolean> {
  return conditionalUpdate(deps, connectionId, {
    UpdateExpression: 'SET closingAt = :now',
    ConditionExpression: 'credentialExpiresAt < :before',
    ExpressionAttributeValues: { ':now': deps.now(), ':before': expiredBefore },
  });
}

/**
 * TRANSITION (see {@link getLegacyCredentialExpiry}): the connection-record expiries of many
 * connections, 100 keys per BatchGet, for the sweeper's pages (right after the deploy every
 * last-seen record lacks one). Connections without one are absent. Throws UnprocessedKeysError
 * when throttling leaves keys unread (store/batch.ts), rather than read them as without one.
 */
export async function getLegacyCredentialExpiries(
  deps: TableDeps,
  connectionIds: readonly string[],
): Promise<Map<string, number>> {
  const batches: string[][] = [];
  for (let i = 0; i < connectionIds.length; i += 100) batches.push(connectionIds.slice(i, i + 100));
  // The batches at once, as the sweeper's page waits on them.
  const items = await Promise.all(
    batches.map((batch) =>
      batchGet(
        deps,
        batch.map((id) => keys.connection(id)),
        'connectionId, credentialExpiresAt',
      ),
    ),
  );
  const found = new Map<string, number>();
  for (const item of items.flat())
    if (typeof item.credentialExpiresAt === 'number')
      found.set(item.connectionId as string, item.credentialExpiresAt);
  return found;
}

/**
 * TRANSITION (see {@link getLegacyCredentialExpiry}): claims the close of a connection whose
 * expiry is only in its connection record, which the sweeper found expired. False when a
 * `refresh` has written an expiry into the last-seen record since (it then decides), or the
 * record is gone.
 */
export async function claimLegacyExpiredClose(deps: TableDeps, connectionId: string): Promise<boolean> {
  return conditionalUpdate(deps, connectionId, {
    UpdateExpression: 'SET closingAt = :now',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(credentialExpiresAt)',
    ExpressionAttributeValues: { ':now': deps.now() },
  });
}

async function conditionalUpdate(
  deps: TableDeps,
  connectionId: string,
  update: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  },
): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({ TableName: deps.config.TABLE_NAME, Key: keys.seen(connectionId), ...update }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
