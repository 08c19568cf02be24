import fc from 'fast-check';
import { httpApi } from '../../../lib/manifest.ts';
import {
  dataOfBytes,
  edgeString,
  hostileJsonValue,
  hostileString,
  nestedJson,
  prototypeKeyJson,
  RawJson,
  toJsonText,
} from './json.ts';

/**
 * Requests for the HTTP API fuzz test, over every route of lib/manifest.ts. `expect: 'error'`
 * requests break one rule (no or a bad credential, a bad path parameter, query or body) and must
 * get a 4xx and write nothing; `any` requests are authenticated and well formed in shape, with
 * odd content: a 2xx or a 4xx.
 */
export interface FuzzRequest {
  readonly label: string;
  readonly expect: 'error' | 'any';
  readonly method: string;
  readonly path: string;
  /** A key of the credentials table (test/integration/security/http-fuzz.test.ts) or a raw header. */
  readonly auth: Auth;
  readonly body?: string;
}

export type Auth =
  | { readonly kind: 'user' | 'admin' }
  | { readonly kind: 'none' }
  | { readonly kind: 'raw'; readonly label: string; readonly header: string }
  | { readonly kind: 'signed'; readonly label: string };

/** Credentials that must be refused; `signed` ones are signed by the test (wrong secret, expired). */
export const badCredentials = ['wrong-secret', 'expired', 'admin-wrong-secret'] as const;

const routeKeys = Object.keys(httpApi.routes);
export const fuzzRoomIds = ['fzh-pub', 'fzh-priv', '__proto__', 'constructor'];
export const fuzzHttpUsers = ['fzh-u0', 'fzh-u1', 'fzh-u2'];

const adminRoutes = new Set(['POST /messages', 'GET /online', 'GET /moderation', 'PUT /moderation']);
const bodyRoutes = new Set(['POST /rooms', 'PATCH /rooms/{id}', 'POST /messages', 'PUT /moderation']);

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate goes out as its WTF-8 bytes
 * (`%ED%A0%80`) instead of throwing: the server must survive text that is not UTF-8.
 */
export function enc(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9\-_.!~*'()]$/.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

type Param = { value: string; bad: boolean; label: string };
const p = (value: string, bad: boolean, label: string): Param => ({ value, bad, label });

const roomParam = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...fuzzRoomIds).map((v) => p(v, false, 'id')) },
  { weight: 1, arbitrary: fc.constant(p('r'.repeat(128), false, 'id@128')) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc
        .constantFrom('r'.repeat(129), 'a#b', 'a b', 'é', '\u0000', 'a/b', 'ROOM#x', '%', '😀', '\ud800')
        .map((v) => p(v, true, 'id:bad')),
      hostileString(20)
        // `.` and `..` are dot segments: the URL parser removes them before the request leaves.
        .filter((s) => s.length > 0 && s !== '.' && s !== '..' && !/^[A-Za-z0-9_.:-]{1,128}$/.test(s))
        .map((v) => p(v, true, 'id:unicode')),
    ),
  },
);

const userParam = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...fuzzHttpUsers).map((v) => p(v, false, 'userId')) },
  {
    weight: 1,
    arbitrary: hostileString(40)
      .filter((s) => s.length > 0 && s.length <= 128)
      .map((v) => p(v, false, 'userId:odd')),
  },
  { weight: 1, arbitrary: fc.constant(p('u'.repeat(129), true, 'userId@129')) },
);

const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** Cursors: garbage, over-long, and keys a client forged (an extra attribute answered 500, issue 11). */
const cursorParam = fc.oneof(
  fc.constantFrom(
    p('x'.repeat(2049), true, 'cursor@2049'),
    p('!!!', true, 'cursor:not-base64'),
    p(b64('[1,2]'), true, 'cursor:array'),
    p(b64('"pk"'), true, 'cursor:string'),
    p(b64('{'), true, 'cursor:not-json'),
  ),
  fc
    .record({ pk: hostileString(20), sk: hostileString(20), extra: fc.boolean(), deep: fc.boolean() })
    .map(({ pk, sk, extra, deep }) => {
      const key: Record<string, unknown> = { pk, sk };
      if (extra) key.evil = 'x';
      const text = deep ? `{"pk":${nestedJson(3000).text}}` : JSON.stringify(key);
      return p(b64(text), false, deep ? 'cursor:deep' : extra ? 'cursor:extra-attribute' : 'cursor:forged');
    }),
  fc.string({ minLength: 1, maxLength: 64 }).map((s) => p(s, false, 'cursor:random')),
);

const limitParam = fc.oneof(
  fc
    .constantFrom('0', '101', '-1', '1.5', 'abc', '1e9', 'NaN', 'Infinity')
    .map((v) => p(v, true, 'limit:bad')),
  fc.constantFrom('1', '100', '50').map((v) => p(v, false, 'limit')),
);

const pagedRoutes = new Set(['GET /rooms/{id}/members', 'GET /rooms/{id}/online', 'GET /online']);

/** The query string of a route: paging, history and odd extra parameters. */
const queryOf = (routeKey: string): fc.Arbitrary<Param[]> => {
  const parts: fc.Arbitrary<Param>[] = [];
  if (pagedRoutes.has(routeKey))
    parts.push(cursorParam.map((c) => ({ ...c, value: `cursor=${enc(c.value)}` })));
  if (pagedRoutes.has(routeKey) || routeKey === 'GET /rooms/{id}/messages') {
    parts.push(limitParam.map((l) => ({ ...l, value: `limit=${enc(l.value)}` })));
  }
  if (routeKey === 'GET /rooms/{id}/messages') {
    parts.push(
      fc
        .constantFrom(
          p('0', true, 'before@0'),
          p('-5', true, 'before:negative'),
          p('x', true, 'before:text'),
          p('1', false, 'before'),
        )
        .map((b) => ({ ...b, value: `before=${b.value}` })),
    );
  }
  parts.push(hostileString(10).map((s) => p(`${enc(s)}=${enc(s)}`, false, 'query:extra')));
  return fc
    .subarray(parts, { maxLength: Math.min(2, parts.length) })
    .chain((chosen) =>
      chosen.length === 0 ? fc.constant<Param[]>([]) : fc.tuple(...chosen).map((t): Param[] => [...t]),
    );
};

type Body = { text: string; bad: boolean; label: string };
const b = (value: unknown, bad: boolean, label: string): Body => ({ text: toJsonText(value), bad, label });

const commonBadBodies = fc.oneof(
  fc.constantFrom<Body>(
    { text: '', bad: true, label: 'body:empty' },
    { text: '{', bad: true, label: 'body:not-json' },
    { text: "{'name':'x'}", bad: true, label: 'body:not-json' },
    { text: 'null', bad: true, label: 'body:null' },
    { text: '[]', bad: true, label: 'body:array' },
    { text: '"room"', bad: true, label: 'body:string' },
    { text: '\ufeff{}', bad: true, label: 'body:bom' },
  ),
  fc.constant(b(nestedJson(5000), true, 'body:depth5000')),
  fc.constant({
    text: `{"name":"${'n'.repeat(1_000_000)}","type":"public"}`,
    bad: true,
    label: 'body:1MB-name',
  }),
);

const roomBodies = {
  ok: fc.oneof(
    fc
      .record({
        name: hostileString(30).filter((s) => s.length >= 1),
        type: fc.constantFrom('public', 'private'),
      })
      .map((v) => b(v, false, 'room')),
    fc
      .record({
        id: fc.constantFrom('fzh-new', '__proto__', 'constructor', 'toString', `n${'x'.repeat(127)}`),
        name: fc.constant('n'.repeat(200)),
        type: fc.constant('public'),
        maxMembers: fc.constantFrom(0, 1, 100_000),
      })
      .map((v) => b(v, false, 'room@limits')),
    prototypeKeyJson.map((v) => ({
      text: `{"name":"p","type":"public","extra":${v.text}}`,
      bad: false,
      label: 'room:prototype-keys',
    })),
  ),
  bad: fc.oneof(
    fc.constantFrom(
      b({ name: '', type: 'public' }, true, 'name:empty'),
      b({ name: 'n'.repeat(201), type: 'public' }, true, 'name@201'),
      b({ name: 7, type: 'public' }, true, 'name:type'),
      b({ name: 'x', type: 'secret' }, true, 'type:value'),
      b({ name: 'x', type: 'public', maxMembers: 100_001 }, true, 'maxMembers@100001'),
      b({ name: 'x', type: 'public', maxMembers: -1 }, true, 'maxMembers@-1'),
      b({ name: 'x', type: 'public', maxMembers: 1.5 }, true, 'maxMembers:fraction'),
      b({ name: 'x', type: 'public', id: 'a#b' }, true, 'id:alphabet'),
      b({ name: 'x', type: 'public', id: 'r'.repeat(129) }, true, 'id@129'),
      { text: '{"__proto__":{"name":"x","type":"public"}}', bad: true, label: 'fields under __proto__' },
    ),
    commonBadBodies,
  ),
};

const patchBodies = {
  ok: fc.oneof(
    fc.constantFrom(
      b({ name: 'renamed' }, false, 'patch'),
      b({ maxMembers: 100_000 }, false, 'patch@limit'),
      b({ type: 'public' }, false, 'patch'),
    ),
  ),
  bad: fc.oneof(
    fc.constantFrom(
      b({}, true, 'patch:empty'),
      b({ type: 'x' }, true, 'patch:type'),
      b({ name: 'n'.repeat(201) }, true, 'patch:name@201'),
    ),
    commonBadBodies,
  ),
};

const notificationBodies = {
  ok: fc.oneof(
    fc
      .record({ target: fc.constant({ users: fuzzHttpUsers }), data: hostileJsonValue })
      .map((v) => b(v, false, 'notification')),
    fc.constant(
      b({ target: { users: ['fzh-u0'] }, data: dataOfBytes(16 * 1024) }, false, 'notification data@16KB'),
    ),
    fc.constant(
      b({ target: { users: ['fzh-u0'] }, data: nestedJson(32) }, false, 'notification data@depth32'),
    ),
  ),
  bad: fc.oneof(
    fc.constantFrom(
      b({ target: { users: [] }, data: 1 }, true, 'users:empty'),
      b({ target: { users: ['a'], room: 'r' }, data: 1 }, true, 'target:two-kinds'),
      b({ target: { all: false }, data: 1 }, true, 'target:all-false'),
      b({ target: { users: ['a'] } }, true, 'data:missing'),
      b({ target: { users: ['a'] }, data: 1, extra: 1 }, true, 'field:unknown'),
      b({ target: { users: ['a'] }, data: dataOfBytes(16 * 1024 + 1) }, true, 'data@16KB+1'),
      b({ target: { users: ['a'] }, data: nestedJson(33) }, true, 'data@depth33'),
      b({ target: { users: ['a'] }, data: nestedJson(5000) }, true, 'data@depth5000'),
      b({ target: { users: ['a'] }, data: 1, ttlSeconds: 0 }, true, 'ttlSeconds@0'),
      b({ target: { users: ['a'] }, data: 1, from: 'f'.repeat(65) }, true, 'from@65'),
      b({ target: { users: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, data: 1 }, true, 'users@1001'),
      b({ target: new RawJson('{"__proto__":{"users":["a"]}}'), data: 1 }, true, 'target:under-__proto__'),
    ),
    commonBadBodies,
  ),
};

/** Routes with a path parameter, a query or a body that can be wrong. */
const hasInputs = (routeKey: string) =>
  routeKey.includes('{') ||
  pagedRoutes.has(routeKey) ||
  routeKey === 'GET /rooms/{id}/messages' ||
  bodyRoutes.has(routeKey);

const bodiesOf = (routeKey: string) =>
  routeKey === 'POST /rooms'
    ? roomBodies
    : routeKey === 'PATCH /rooms/{id}'
      ? patchBodies
      : notificationBodies;

const badAuth = fc.oneof(
  fc.constant<Auth>({ kind: 'none' }),
  fc.constantFrom(...badCredentials).map((label): Auth => ({ kind: 'signed', label })),
  fc
    .constantFrom(
      ['empty', ''],
      ['bearer-only', 'Bearer'],
      ['bearer-space', 'Bearer '],
      ['basic', 'Basic dXNlcjpwYXNz'],
      ['garbage', 'Bearer not.a.jwt'],
      ['alg-none', `Bearer ${b64('{"alg":"none"}')}.${b64('{"sub":"fzh-u0","exp":9999999999}')}.`],
      ['token@6000', `Bearer ${'a'.repeat(6000)}`],
      ['token@9000', `Bearer ${'a'.repeat(3000)}.${'b'.repeat(3000)}.${'c'.repeat(3000)}`],
      ['unicode', 'Bearer \u00e9\u00e9'],
    )
    .map(([label, header]): Auth => ({ kind: 'raw', label: `auth:${label}`, header: header! })),
);

const pathFor = (routeKey: string, room: Param, user: Param) => {
  const template = routeKey.split(' ')[1]!;
  return template.replace('{id}', enc(room.value)).replace('{userId}', enc(user.value));
};

/** One request to a route: `hostile` breaks exactly one rule of it; otherwise odd but well formed. */
const requestFor = (routeKey: string, hostile: boolean): fc.Arbitrary<FuzzRequest> => {
  const method = routeKey.split(' ')[0]!;
  const needsBody = bodyRoutes.has(routeKey);
  const bodies = needsBody ? bodiesOf(routeKey) : undefined;
  return fc
    .record({
      room: roomParam,
      user: userParam,
      query: queryOf(routeKey),
      body: bodies ? fc.oneof(bodies.ok, bodies.bad) : fc.constant<Body | undefined>(undefined),
      okBody: bodies ? bodies.ok : fc.constant<Body | undefined>(undefined),
      badAuth,
      breaks: hasInputs(routeKey) ? fc.constantFrom('auth', 'input') : fc.constant('auth'),
      admin: fc.boolean(),
    })
    .map(({ room, user, query, body, okBody, badAuth, breaks, admin }): FuzzRequest | undefined => {
      const usesRoom = routeKey.includes('{id}');
      const usesUser = routeKey.includes('{userId}');
      const params = [...(usesRoom ? [room] : []), ...(usesUser ? [user] : [])];
      const queryText = query.map((q) => q.value).join('&');
      const path = `${pathFor(routeKey, room, user)}${queryText ? `?${queryText}` : ''}`;
      const auth: Auth = adminRoutes.has(routeKey) || admin ? { kind: 'admin' } : { kind: 'user' };
      const inputs = [...params, ...query, ...(body ? [{ bad: body.bad, label: body.label }] : [])];
      if (!hostile) {
        // Well formed in shape; odd contents may still be refused.
        return {
          label: `${routeKey} ${inputs.map((i) => i.label).join(' ')}`,
          expect: 'any',
          method,
          path,
          auth,
          body: body?.text,
        };
      }
      if (breaks === 'auth' && routeKey !== 'GET /health') {
        const label =
          badAuth.kind === 'none'
            ? 'auth:none'
            : badAuth.kind === 'raw' || badAuth.kind === 'signed'
              ? badAuth.label
              : '';
        return {
          label: `${routeKey} ${label}`,
          expect: 'error',
          method,
          path,
          auth: badAuth,
          body: okBody?.text,
        };
      }
      // One bad input, everything else valid.
      const badParam = params.find((x) => x.bad);
      const badQuery = query.find((x) => x.bad);
      if (body?.bad && !badParam && !badQuery) {
        return { label: `${routeKey} ${body.label}`, expect: 'error', method, path, auth, body: body.text };
      }
      if ((badParam || badQuery) && !body?.bad) {
        return {
          label: `${routeKey} ${(badParam ?? badQuery)!.label}`,
          expect: 'error',
          method,
          path,
          auth,
          body: body?.text,
        };
      }
      return undefined;
    })
    .filter((r): r is FuzzRequest => r !== undefined);
};

export const hostileRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...routeKeys.filter((k) => k !== 'GET /health'))
  .chain((k) => requestFor(k, true));
export const wildRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...routeKeys)
  .chain((k) => requestFor(k, false));
export { edgeString };
