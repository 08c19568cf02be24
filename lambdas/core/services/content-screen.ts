import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { getModeration, type ModerationSettings } from '../store/moderation.ts';
import { askPublishHook, type HookRequest } from './publish-hook.ts';

/**
 * What is being stored: the frame's action, its sender and target, its `data` and the ids of the
 * uploads it attaches; the publish hook is asked about exactly this.
 */
export type ScreenInput = HookRequest;

/** The table (moderation settings) and the Lambda client (the publish hook). */
export type ScreenDeps = Pick<Deps, 'config' | 'db' | 'now' | 'lambda'>;

/** How long a container keeps the settings it read (docs/protocol.md, "Moderation"). */
export const moderationCacheMs = 15_000;

interface Cached {
  readonly settings: ModerationSettings;
  readonly matcher: RegExp | undefined;
  readonly readAt: number;
}

/** Per table, so two runtimes in one process (tests) keep theirs apart. */
const cache = new Map<string, Cached>();

/** Drops this container's cached settings: the `PUT /moderation` container sees its write at once. */
export function forgetModerationCache(): void {
  cache.clear();
}

/**
 * The data to store. First the moderation words: `data` itself when nothing matches, masked in
 * `mask` mode, or `REJECTED` (nothing stored) in `reject` mode. Then the publish hook, when one
 * is configured (publish-hook.ts): it sees the words' result and may pass it, replace it or
 * refuse it (`REJECTED` with its reason). Called before anything is stored, the idempotency key
 * included, so a retried rejected frame is rejected again and leaves nothing behind.
 */
export async function screenContent(deps: ScreenDeps, input: ScreenInput): Promise<unknown> {
  const data = await screenWords(deps, input);
  return askPublishHook(deps, {
    action: input.action,
    from: input.from,
    ...(input.to === undefined ? {} : { to: input.to }),
    ...(input.room === undefined ? {} : { room: input.room }),
    data,
    ...(input.files?.length ? { files: input.files } : {}),
  });
}

async function screenWords(deps: ScreenDeps, input: ScreenInput): Promise<unknown> {
  const { settings, matcher } = await settingsOf(deps);
  if (!matcher) return input.data;
  if (settings.mode === 'reject') {
    if (containsMatch(input.data, matcher))
      throw new AppError('REJECTED', `${input.action}: data contains a word the moderation settings reject`);
    return input.data;
  }
  return maskMatches(input.data, matcher);
}

async function settingsOf(deps: ScreenDeps): Promise<Cached> {
  const table = deps.config.TABLE_NAME;
  const now = deps.now();
  const held = cache.get(table);
  if (held && now - held.readAt < moderationCacheMs && now >= held.readAt) return held;
  const settings = await getModeration(deps);
  const fresh = { settings, matcher: matcherOf(settings.words), readAt: now };
  cache.set(table, fresh);
  return fresh;
}

/**
 * One regular expression matching any of `words`, case-insensitively, as a whole word: not
 * preceded or followed by a letter or digit of any script. Longer words are tried first, so
 * `bad word` wins over `bad`. Undefined when there are no words.
 */
export function matcherOf(words: readonly string[]): RegExp | undefined {
  const alternatives = [...new Set(words.filter((w) => w.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  if (alternatives.length === 0) return undefined;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/** Every string inside `value` (object keys untouched) with each match replaced by `*`s, one per code point. */
export function maskMatches(value: unknown, matcher: RegExp): unknown {
  if (typeof value === 'string') return value.replace(matcher, (match) => '*'.repeat([...match].length));
  if (Array.isArray(value)) return value.map((v) => maskMatches(v, matcher));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskMatches(v, matcher)]));
  return value;
}

/** True when some string inside `value` holds a match. */
export function containsMatch(value: unknown, matcher: RegExp): boolean {
  if (typeof value === 'string') {
    matcher.lastIndex = 0;
    return matcher.test(value);
  }
  if (Array.isArray(value)) return value.some((v) => containsMatch(v, matcher));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => containsMatch(v, matcher));
  return false;
}
