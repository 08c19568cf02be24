/**
 * How deeply a JSON value nests, measured without recursion, so that a hostile value (thousands
 * of `[`, 10 KB on the wire) cannot overflow the stack of whoever measures it. Plain TypeScript:
 * the SDK checks `data` with it before it serializes a frame.
 */

import { maxDataDepth } from './limits.ts';

/**
 * The nesting depth of `value`: 0 for a scalar, 1 for `{}`, `[]` or `[1]`, 2 for `[[1]]`, and so
 * on; it stops counting at `limit + 1`, so a deeper value costs no more than one at the limit.
 * Iterative (an explicit stack) and linear in the size of a value JSON.parse produced; a cyclic
 * value (only code can build one) reads as `limit + 1`.
 */
export function dataDepth(value: unknown, limit: number = maxDataDepth): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number };
    if (next.value === null || typeof next.value !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return limit + 1;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
    }
  }
  return deepest;
}

/** True when `value` nests at most `limit` (32) levels deep. */
export const isWithinDataDepth = (value: unknown, limit: number = maxDataDepth): boolean =>
  dataDepth(value, limit) <= limit;

/** The message of the `BAD_REQUEST` for a value that nests too deeply. */
export const dataDepthMessage = `data is nested more than ${maxDataDepth} levels deep`;
