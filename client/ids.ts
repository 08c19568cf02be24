/**
 * A fresh idempotency key for `send` and `publish`: 32 hex digits from the platform's random
 * source. `crypto.getRandomValues` exists in every browser (secure context or not) and in
 * Node 20; the Math.random fallback only serves exotic runtimes.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
