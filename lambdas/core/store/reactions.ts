import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { conditionally } from '../errors.ts';
import { keys } from './keys.ts';

/**
 * A user's hold of one reaction on one room message: the marker that makes a reaction count
 * once per user. Its `state` is `adding` while the entry that adds it is being stored, `held`
 * once it is (with `seq`, that entry's seq), `removing` while the entry that removes it is
 * being stored; it is deleted once removed. An attempt owns the marker while it changes it
 * (`owner`, a token, and `leaseUntil`): an attempt that died leaves the marker to the next one
 * once the lease runs out, which finishes the change at the seq the dead one reserved
 * (`opSeq`), so the entry is never stored twice.
 */
export interface ReactionMarker {
  readonly state: 'adding' | 'held' | 'removing';
  /** The seq of the entry that added the reaction (on a `held` or `removing` marker). */
  readonly seq?: number;
  /** The seq the attempt changing the marker reserved for its entry. */
  readonly opSeq?: number;
  /** The id and time of the entry that attempt stores. */
  readonly messageId: string;
  readonly ts: number;
  readonly owner?: string;
  readonly leaseUntil?: number;
}

export interface ReactionKey {
  readonly roomId: string;
  readonly epoch: number;
  readonly target: number;
  readonly reaction: string;
  readonly userId: string;
}

const itemKey = (k: ReactionKey) => keys.reaction(k.roomId, k.epoch, k.target, k.reaction, k.userId);

/** The marker, if the user holds (or is changing) the reaction. */
export async function getReactionMarker(
  deps: TableDeps,
  k: ReactionKey,
): Promise<ReactionMarker | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: itemKey(k), ConsistentRead: true }),
  );
  return Item as ReactionMarker | undefined;
}

/**
 * Starts adding: a conditional put of an `adding` marker owned by a new token. The owner token,
 * or undefined when a marker is there already.
 */
export async function startAdding(
  deps: TableDeps,
  k: ReactionKey,
  entry: { messageId: string; ts: number; expiresAt: number; leaseMs: number },
): Promise<string | undefined> {
  const owner = randomUUID();
  const written = await conditionally(() =>
    deps.db.send(
      new PutCommand({
        TableName: deps.config.TABLE_NAME,
        Item: {
          ...itemKey(k),
          type: 'reaction',
          room: k.roomId,
          target: k.target,
          reaction: k.reaction,
          userId: k.userId,
          state: 'adding',
          messageId: entry.messageId,
          ts: entry.ts,
          owner,
          leaseUntil: entry.ts + entry.leaseMs,
          expiresAt: entry.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  return written ? owner : undefined;
}

/**
 * Starts removing a `held` marker: it becomes `removing`, owned by a new token, with the id
 * and time of the entry to store. The owner token, or undefined when the marker is not held.
 */
export async function startRemoving(
  deps: TableDeps,
  k: ReactionKey,
  entry: { messageId: string; ts: number; leaseMs: number },
): Promise<string | undefined> {
  const owner = randomUUID();
  const written = await conditionally(() =>
    deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(k),
        UpdateExpression:
          'SET #state = :removing, #owner = :owner, leaseUntil = :lease, messageId = :id, ts = :ts REMOVE opSeq',
        ConditionExpression: '#state = :held',
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':removing': 'removing',
          ':held': 'held',
          ':owner': owner,
          ':lease': entry.ts + entry.leaseMs,
          ':id': entry.messageId,
          ':ts': entry.ts,
        },
      }),
    ),
  );
  return written ? owner : undefined;
}

/** Takes over a marker whose change outlived its lease; the new owner token, or undefined. */
export async function takeOverMarker(
  deps: TableDeps,
  k: ReactionKey,
  found: ReactionMarker,
  leaseMs: number,
): Promise<string | undefined> {
  const owner = randomUUID();
  const written = await conditionally(() =>
    deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(k),
        UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease',
        ConditionExpression: '#state = :state AND #owner = :old',
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':lease': deps.now() + leaseMs,
          ':state': found.state,
          ':old': found.owner,
        },
      }),
    ),
  );
  return written ? owner : undefined;
}

/** Records the seq the owner is about to write its entry at; false when it lost the marker. */
export const reserveMarkerSeq = (deps: TableDeps, k: ReactionKey, owner: string, seq: number) =>
  asOwner(deps, k, owner, 'SET opSeq = :seq', { ':seq': seq });

/** The adding entry is stored at `seq`: the marker is `held`. False when the owner lost it. */
export const finishAdding = (deps: TableDeps, k: ReactionKey, owner: string, seq: number) =>
  asOwner(deps, k, owner, 'SET #state = :held, seq = :seq REMOVE #owner, leaseUntil, opSeq', {
    ':held': 'held',
    ':seq': seq,
  });

/** The removing entry is stored: the marker goes. False when the owner lost it. */
export const finishRemoving = (deps: TableDeps, k: ReactionKey, owner: string) =>
  conditionally(() =>
    deps.db.send(
      new DeleteCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(k),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );

const asOwner = (
  deps: TableDeps,
  k: ReactionKey,
  owner: string,
  update: string,
  values: Record<string, unknown>,
) =>
  conditionally(() =>
    deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: itemKey(k),
        UpdateExpression: update,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          ...(update.includes('#state') ? { '#state': 'state' } : {}),
        },
        ExpressionAttributeValues: { ...values, ':owner': owner },
      }),
    ),
  );
