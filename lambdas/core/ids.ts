import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: sorts the same as text

let lastTime = 0;
let lastRandom = '';

/**
 * A message id that sorts by creation time (ULID layout: 10 characters of milliseconds, 16 of
 * randomness). Ids made in the same millisecond by this container still sort in creation order.
 */
export function newMessageId(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = alphabet[t % 32] + time;
  if (now === lastTime && lastRandom) {
    lastRandom = incrementBase32(lastRandom);
  } else {
    const bytes = randomBytes(16);
    lastRandom = Array.from(bytes, (b) => alphabet[b % 32]).join('');
    lastTime = now;
  }
  return time + lastRandom;
}

function incrementBase32(value: string): string {
  const chars = value.split('');
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    const next = alphabet.indexOf(chars[i]!) + 1;
    if (next < 32) {
      chars[i] = alphabet[next]!;
      return chars.join('');
    }
    chars[i] = alphabet[0]!;
  }
  return chars.join('');
}

/** The shape of an id made by newMessageId, checked before it is used in a key. */
export const messageIdPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A random, URL-safe, unguessable token (tickets). */
export const newSecretToken = (): string => randomBytes(24).toString('base64url');
