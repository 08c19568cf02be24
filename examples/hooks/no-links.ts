/**
 * An example publish hook (docs/integration.md "The publish hook"): refuses room messages whose
 * `data` holds a link, any string with `http://` or `https://` in it, and lets everything else
 * through unchanged, direct messages included. Deploy it as a Lambda function and name its ARN in
 * context `publishHook`; locally `PUBLISH_HOOK=examples/hooks/no-links.ts npm start`.
 *
 * The hook's contract, self-contained so that the file can be copied: it is called with
 * {@link HookEvent} and answers a {@link HookAnswer}.
 */

/** What `send`, `publish` and `edit` ask the hook about, before anything is stored. */
export interface HookEvent {
  readonly action: 'send' | 'publish' | 'edit';
  readonly from: string;
  readonly to?: string;
  readonly room?: string;
  readonly data: unknown;
  readonly files?: readonly string[];
}

/** Let it through (optionally with `data` replaced), or refuse it: the sender gets `REJECTED` with `reason`. */
export type HookAnswer = { allow: true; data?: unknown } | { allow: false; reason: string };

const link = /https?:\/\//i;

/** True when some string inside `value` (object keys included) holds a link. */
export function containsLink(value: unknown): boolean {
  // Iterative: `data` may nest 32 levels, and a hook should not spend its stack on it.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      if (link.test(next)) return true;
    } else if (Array.isArray(next)) {
      stack.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, child] of Object.entries(next)) stack.push(key, child);
    }
  }
  return false;
}

export const handler = async (event: HookEvent): Promise<HookAnswer> => {
  if (event.room !== undefined && containsLink(event.data)) {
    return { allow: false, reason: `Links are not allowed in room ${event.room}` };
  }
  return { allow: true };
};
