import { randomFillSync, randomInt, randomUUID } from 'node:crypto';

// Eleven random bytes encode to 15 base64 characters plus one `=`, the form of API Gateway's
// connection, request and message ids. AWS uses the URL-safe alphabet (`-` and `_`, e.g.
// `BFaT_fALIAMCKug=`), never `+` or `/`. Bytes come from a pool refilled in bulk so
// that a message does not cost a call into the random source per id.
const idBytes = 11;
const pool = Buffer.alloc(idBytes * 256);
let offset = pool.length;

/** A connection, request or message id in API Gateway's form, e.g. `BFaT_fALIAMCKug=`. */
export function newEventId(): string {
  if (offset + idBytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = `${pool.toString('base64url', offset, offset + idBytes)}=`;
  offset += idBytes;
  return id;
}

const apiIdAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An API id: 10 lower-case alphanumerics. */
export function newApiId(): string {
  let id = '';
  for (let i = 0; i < 10; i += 1) id += apiIdAlphabet[randomInt(apiIdAlphabet.length)];
  return id;
}

/** The `x-amzn-RequestId` of a management call (a UUID, as AWS sends). */
export function newAmznRequestId(): string {
  return randomUUID();
}
