import fc from 'fast-check';
import {
  dataOfBytes,
  edgeString,
  hostileJsonValue,
  nestedJson,
  prototypeKeyJson,
  RawJson,
  toJsonText,
} from './json.ts';

/**
 * Records for the notifications queue fuzz test. A `good` record targets some of the test's
 * recipients and carries a unique `marker` in its data, so that each delivery and each inbox
 * entry can be traced to it; a `bad` one breaks one rule of docs/protocol.md ("Backend
 * services: the notifications queue") and must go to the dead-letter queue with its reason.
 */
export type FuzzRecord =
  | {
      readonly kind: 'good';
      readonly label: string;
      readonly marker: string;
      readonly users: readonly string[];
      readonly body: string;
    }
  | { readonly kind: 'bad'; readonly label: string; readonly body: string };

export const fuzzRecipients = ['fzq-u0', 'fzq-u1', 'fzq-u2', 'fzq-u3'];

/** SQS itself refuses these characters in a body (and lone surrogates); the consumer never sees them. */
function sqsSafe(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const allowed =
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xd ||
      (cp >= 0x20 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0xfffd) ||
      cp >= 0x10000;
    if (!allowed) return false;
  }
  return true;
}

const bad = (label: string, value: unknown): FuzzRecord => ({ kind: 'bad', label, body: toJsonText(value) });
const target = { users: ['fzq-u0'] };

const badRecord: fc.Arbitrary<FuzzRecord> = fc.oneof(
  fc.constantFrom<FuzzRecord>(
    { kind: 'bad', label: 'not JSON', body: '{"target":' },
    { kind: 'bad', label: 'not JSON', body: "{'target':{'all':true},'data':1}" },
    { kind: 'bad', label: 'not an object', body: '[]' },
    { kind: 'bad', label: 'not an object', body: '"hello"' },
    { kind: 'bad', label: 'not an object', body: 'null' },
    bad('target:missing', { data: 1 }),
    bad('target:users-empty', { target: { users: [] }, data: 1 }),
    bad('target:users@1001', { target: { users: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, data: 1 }),
    bad('target:user@129', { target: { users: ['u'.repeat(129)] }, data: 1 }),
    bad('target:user-empty', { target: { users: [''] }, data: 1 }),
    bad('target:two-kinds', { target: { users: ['fzq-u0'], room: 'r' }, data: 1 }),
    bad('target:all-false', { target: { all: false }, data: 1 }),
    bad('target:room-unknown', { target: { room: 'fzq-no-such-room' }, data: 1 }),
    bad('target:room@129', { target: { room: 'r'.repeat(129) }, data: 1 }),
    bad('target:under-__proto__', { target: new RawJson('{"__proto__":{"users":["fzq-u0"]}}'), data: 1 }),
    bad('record:under-__proto__', new RawJson('{"__proto__":{"target":{"users":["fzq-u0"]},"data":1}}')),
    bad('data:missing', { target }),
    bad('data@16KB+1', { target, data: dataOfBytes(16 * 1024 + 1) }),
    bad('data@16KB+1:multibyte', { target, data: 'é'.repeat(8192) }),
    bad('data@depth33', { target, data: nestedJson(33) }),
    bad('data@depth33:objects', { target, data: nestedJson(33, 'object') }),
    bad('data@depth5000', { target, data: nestedJson(5000) }),
    bad('field:unknown', { target, data: 1, priority: 'high' }),
    bad('field:constructor', { target, data: 1, constructor: {} }),
    bad('id@65', { target, data: 1, id: 'i'.repeat(65) }),
    bad('id:empty', { target, data: 1, id: '' }),
    bad('from@65', { target, data: 1, from: 'f'.repeat(65) }),
    bad('from:type', { target, data: 1, from: 7 }),
    bad('ttlSeconds@0', { target, data: 1, ttlSeconds: 0 }),
    bad('ttlSeconds@14d+1', { target, data: 1, ttlSeconds: 14 * 24 * 3600 + 1 }),
    bad('ttlSeconds:fraction', { target, data: 1, ttlSeconds: 1.5 }),
    bad('ttlSeconds:text', { target, data: 1, ttlSeconds: '60' }),
  ),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
    .filter((t) => {
      try {
        JSON.parse(t);
        return false;
      } catch {
        return sqsSafe(t);
      }
    })
    .map((body): FuzzRecord => ({ kind: 'bad', label: 'not JSON:random', body })),
);

/** A valid record; `serial` makes its marker (and its `id`, when it has one) unique. */
const goodRecord = (serial: number): fc.Arbitrary<FuzzRecord> =>
  fc
    .record({
      users: fc.subarray(fuzzRecipients, { minLength: 1, maxLength: 3 }),
      payload: fc.oneof(
        { weight: 6, arbitrary: hostileJsonValue },
        { weight: 1, arbitrary: prototypeKeyJson },
        { weight: 1, arbitrary: fc.constant(nestedJson(30)) },
        { weight: 1, arbitrary: fc.constant('é'.repeat(7000)) },
      ),
      withId: fc.boolean(),
      from: fc.option(
        fc.oneof(
          edgeString.filter((s) => s.length >= 1 && s.length <= 64),
          fc.constant('f'.repeat(64)),
        ),
        { nil: undefined },
      ),
      ttlSeconds: fc.option(fc.constantFrom(1, 60, 14 * 24 * 3600), { nil: undefined }),
    })
    .map(({ users, payload, withId, from, ttlSeconds }): FuzzRecord => {
      const marker = `mark-${serial}`;
      const record: Record<string, unknown> = { target: { users }, data: { marker, payload } };
      if (withId) record.id = `id-${serial}-${'x'.repeat(40)}`.slice(0, 64);
      if (from !== undefined) record.from = from;
      if (ttlSeconds !== undefined) record.ttlSeconds = ttlSeconds;
      const label = [
        from !== undefined ? 'from' : '',
        ttlSeconds !== undefined ? `ttl${ttlSeconds}` : '',
        withId ? 'id' : '',
      ]
        .filter(Boolean)
        .join(' ');
      return { kind: 'good', label: `good ${label}`.trim(), marker, users, body: toJsonText(record) };
    })
    .filter((r) => sqsSafe(r.body));

/** `n` records, about 60% good; good ones are numbered so that their markers are unique. */
export const fuzzRecords = (n: number, seed: number): FuzzRecord[] => {
  const kinds = fc.sample(fc.boolean(), { seed, numRuns: n });
  const bads = fc.sample(badRecord, { seed: seed + 1, numRuns: n });
  return kinds.map((isBad, i) =>
    isBad && i % 5 < 4 ? bads[i]! : fc.sample(goodRecord(i), { seed: seed + i, numRuns: 1 })[0]!,
  );
};
