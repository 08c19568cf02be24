import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDeps } from '../deps.ts';
import { keys } from './keys.ts';

/** The moderation settings: words screened in `send` and `publish` data, and what a match does. */
export interface ModerationSettings {
  readonly words: readonly string[];
  readonly mode: 'mask' | 'reject';
}

/** No words: nothing is screened until an admin sets some. */
export const noModeration: ModerationSettings = { words: [], mode: 'mask' };

/** The settings, or {@link noModeration} when none were ever set. */
export async function getModeration(deps: TableDeps): Promise<ModerationSettings> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.config.TABLE_NAME, Key: keys.moderation() }),
  );
  if (!Item) return noModeration;
  return { words: Item.words as string[], mode: Item.mode as ModerationSettings['mode'] };
}

/** Replaces the settings (one item, whole). */
export async function putModeration(deps: TableDeps, settings: ModerationSettings): Promise<void> {
  await deps.db.send(
    new PutCommand({
      TableName: deps.config.TABLE_NAME,
      Item: { ...keys.moderation(), type: 'moderation', words: [...settings.words], mode: settings.mode },
    }),
  );
}
