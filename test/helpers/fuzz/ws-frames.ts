import fc from 'fast-check';
import { actions } from '../../../lib/manifest.ts';
import {
  dataOfBytes,
  edgeString,
  hostileJsonValue,
  hostileString,
  nestedJson,
  notAnObjectJson,
  notJsonText,
  prototypeKeyJson,
  RawJson,
  toJsonText,
} from './json.ts';

/**
 * Frames for the WebSocket fuzz test. Each frame says what it must get:
 * - `error`: it breaks a rule of docs/protocol.md in one known place (a field one past its
 *   limit, of the wrong type, missing; an unknown action): an error frame, nothing written;
 * - `reply`: every field is valid (many at their limit) for an action that succeeds whatever the
 *   table holds: a reply frame;
 * - `any`: valid fields of odd content, or actions whose outcome depends on the table
 *   (`publish` to a room nobody joined): a reply or an error, but never INTERNAL.
 * Frames with `refless` carry no usable `ref` (not JSON, not an object, a bad `ref`): the
 * protocol answers each with one error whose `ref` is null (or a `pong` for a ping).
 */
export interface FuzzFrame {
  readonly label: string;
  readonly expect: 'error' | 'reply' | 'any';
  /** The frame as JSON entries (duplicates and `__proto__` allowed); the sender appends `ref`. */
  readonly entries?: readonly (readonly [string, unknown])[];
  /** The whole text, for frames without a usable ref. */
  readonly text?: string;
  /** What a ref-less frame gets: an error with a null ref, or a pong. */
  readonly refless?: 'error' | 'pong';
}

type Verdict = 'ok' | 'bad' | 'odd';
/** A field value, whether it is valid, and a label for the counts; `absent` leaves the field out. */
interface Field {
  readonly value: unknown;
  readonly verdict: Verdict;
  readonly label: string;
}
const absent = Symbol('absent');

const v = (verdict: Verdict, label: string, arb: fc.Arbitrary<unknown>) =>
  arb.map((value): Field => ({ value, verdict, label }));
const c = (verdict: Verdict, label: string, value: unknown) => v(verdict, label, fc.constant(value));

/** Users and rooms the fuzz connections address, so that valid frames reach someone. */
export const fuzzUsers = Array.from({ length: 8 }, (_, i) => `fz-w${i}`);
export const fuzzRooms = ['fz-r0', 'fz-r1', 'fz-r2', '__proto__', 'constructor', `r${'x'.repeat(127)}`];

const wrongTypes = (label: string, ...values: unknown[]) =>
  fc.constantFrom(...values).map((value): Field => ({ value, verdict: 'bad', label: `${label}:type` }));
const someWrongTypes = [1, 0, -1, null, true, false, {}, [], [1], { a: 1 }];

const userField = {
  ok: fc.oneof(
    v('ok', 'to', fc.constantFrom(...fuzzUsers)),
    c('ok', 'to@128', 'u'.repeat(128)),
    c('ok', 'to:punctuation', 'auth0|a.b@c:d+e_f-1'),
  ),
  odd: v(
    'odd',
    'to:unicode',
    hostileString(60).filter((s) => s.length >= 1 && s.length <= 128),
  ),
  bad: fc.oneof(
    c('bad', 'to:empty', ''),
    c('bad', 'to@129', 'u'.repeat(129)),
    wrongTypes('to', ...someWrongTypes),
  ),
};

const roomField = {
  ok: fc.oneof(v('ok', 'room', fc.constantFrom(...fuzzRooms)), c('ok', 'room:punctuation', 'a.b:c-d_e')),
  bad: fc.oneof(
    c('bad', 'room:empty', ''),
    c('bad', 'room@129', 'r'.repeat(129)),
    v('bad', 'room:alphabet', fc.constantFrom('a#b', 'a b', 'é', '\ud800', 'a/b', 'ROOM#x', '\u0000', '😀')),
    wrongTypes('room', ...someWrongTypes),
  ),
};

const dataField = {
  ok: fc.oneof(
    { weight: 6, arbitrary: v('ok', 'data', hostileJsonValue) },
    { weight: 1, arbitrary: c('ok', 'data@16KB', dataOfBytes(16 * 1024)) },
    { weight: 1, arbitrary: c('ok', 'data@16KB:multibyte', 'é'.repeat(8191)) },
    { weight: 1, arbitrary: v('ok', 'data:prototype-keys', prototypeKeyJson) },
    { weight: 1, arbitrary: c('ok', 'data:null', null) },
  ),
  /** At the depth limit: 32 levels are allowed (docs/protocol.md, "Limits on input"). */
  atDepth: fc.oneof(
    c('ok', 'data@depth32', nestedJson(32)),
    c('ok', 'data@depth32:objects', nestedJson(32, 'object')),
  ),
  bad: fc.oneof(
    c('bad', 'data:missing', absent),
    c('bad', 'data@16KB+1', dataOfBytes(16 * 1024 + 1)),
    c('bad', 'data@16KB+1:multibyte', 'é'.repeat(8192)),
  ),
  /** Past the depth limit; 5,000 levels overflowed the stack where the size was measured (issue 11). */
  tooDeep: fc.oneof(
    c('bad', 'data@depth33', nestedJson(33)),
    c('bad', 'data@depth33:objects', nestedJson(33, 'object')),
    c('bad', 'data@depth100:mixed', nestedJson(100, 'mixed')),
    c('bad', 'data@depth5000', nestedJson(5000)),
    c('bad', 'data@depth3000:objects', nestedJson(3000, 'object')),
  ),
};

const idField = {
  ok: fc.oneof(
    c('ok', 'id:absent', absent),
    v('ok', 'id', fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' })),
    v('ok', 'id@64', fc.string({ minLength: 64, maxLength: 64 })),
  ),
  odd: v(
    'odd',
    'id:unicode',
    hostileString(64).filter((s) => s.length >= 1 && s.length <= 64),
  ),
  bad: fc.oneof(
    c('bad', 'id:empty', ''),
    c('bad', 'id@65', 'k'.repeat(65)),
    wrongTypes('id', 5, null, [], {}, true),
  ),
};

const intField = (name: string, min: number, max?: number) => ({
  ok: fc.oneof(
    c('ok', `${name}@min`, min),
    v('ok', name, fc.integer({ min, max: max ?? 2 ** 31 })),
    ...(max === undefined ? [] : [c('ok', `${name}@max`, max)]),
  ),
  odd: v('odd', `${name}:huge`, fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21)),
  bad: fc.oneof(
    c('bad', `${name}@min-1`, min - 1),
    ...(max === undefined ? [] : [c('bad', `${name}@max+1`, max + 1)]),
    c('bad', `${name}:fraction`, min + 0.5),
    wrongTypes(name, String(min), null, [], {}, true),
  ),
});

const enumField = (name: string, values: string[], wrong: string[]) => ({
  ok: v('ok', name, fc.constantFrom(...values)),
  bad: fc.oneof(
    v('bad', `${name}:value`, fc.constantFrom(...wrong)),
    wrongTypes(name, 1, null, [], {}, true),
  ),
});

const ackIds = {
  ok: fc.oneof(
    v('ok', 'ids', fc.array(fc.string({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 10 })),
    v(
      'ok',
      'ids@100',
      fc.array(fc.string({ minLength: 64, maxLength: 64 }), { minLength: 100, maxLength: 100 }),
    ),
  ),
  odd: v(
    'odd',
    'ids:unicode',
    fc.array(
      hostileString(64).filter((s) => s.length >= 1 && s.length <= 64),
      {
        minLength: 1,
        maxLength: 10,
      },
    ),
  ),
  bad: fc.oneof(
    c('bad', 'ids:empty', []),
    c(
      'bad',
      'ids@101',
      Array.from({ length: 101 }, (_, i) => `m${i}`),
    ),
    c('bad', 'ids:item@65', ['k'.repeat(65)]),
    c('bad', 'ids:item-empty', ['']),
    wrongTypes('ids', 'abc', [1], [null], null, {}, absent),
  ),
};

const boolField = (name: string) => ({
  ok: v('ok', name, fc.boolean()),
  bad: wrongTypes(name, 'no', 0, 1, null, [], {}),
});

interface FieldSpec {
  readonly ok: fc.Arbitrary<Field>;
  readonly odd?: fc.Arbitrary<Field>;
  readonly bad: fc.Arbitrary<Field>;
  readonly required: boolean;
}
interface ActionSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Succeeds whatever the table holds when every field is valid. */
  readonly alwaysSucceeds: boolean;
}

const req = (f: Omit<FieldSpec, 'required'>): FieldSpec => ({ ...f, required: true });
const opt = (f: Omit<FieldSpec, 'required'>): FieldSpec => ({
  ...f,
  required: false,
  ok: fc.oneof(c('ok', 'absent', absent), f.ok),
});

const room = req(roomField);

/** `who`'s cursor: any string the server did not hand out is BAD_REQUEST, so only type and length are checked here. */
const cursorField = {
  ok: v('ok', 'cursor', fc.string({ minLength: 1, maxLength: 40 })),
  bad: fc.oneof(
    c('bad', 'cursor:empty', ''),
    c('bad', 'cursor@2049', 'c'.repeat(2049)),
    wrongTypes('cursor', 1, null, [], {}, true),
  ),
};

/** A `refresh` credential: 1 to 8,192 characters. */
const credentialField = (name: string) => ({
  ok: v('ok', name, fc.string({ minLength: 1, maxLength: 200 })),
  bad: fc.oneof(
    c('bad', `${name}:empty`, ''),
    c('bad', `${name}@8193`, 't'.repeat(8193)),
    wrongTypes(name, 1, null, [], {}, true),
  ),
});
const dataSpec = req({ ...dataField, ok: dataField.ok });

/** A reaction: 1 to 32 code points. */
const reactionField = {
  ok: fc.oneof(
    v('ok', 'reaction', fc.string({ minLength: 1, maxLength: 32, unit: 'grapheme-ascii' })),
    c('ok', 'reaction:emoji', '👍🏽'),
    c('ok', 'reaction@32', '🎉'.repeat(32)),
  ),
  bad: fc.oneof(
    c('bad', 'reaction:empty', ''),
    c('bad', 'reaction@33', 'x'.repeat(33)),
    c('bad', 'reaction:emoji@33', '🎉'.repeat(33)),
    wrongTypes('reaction', 1, null, [], {}, true, absent),
  ),
};
const seq = req(intField('seq', 1));
const optionalId = { ...idField, required: false };

export const actionSpecs: Readonly<Record<string, ActionSpec>> = {
  ping: { fields: {}, alwaysSucceeds: true },
  send: {
    fields: { to: req(userField), data: dataSpec, id: { ...idField, required: false } },
    alwaysSucceeds: true,
  },
  sync: { fields: { limit: opt(intField('limit', 1, 500)) }, alwaysSucceeds: true },
  ack: { fields: { ids: req(ackIds) }, alwaysSucceeds: true },
  join: {
    fields: { room, since: opt(intField('since', 0)), epoch: opt(intField('epoch', 0)) },
    alwaysSucceeds: true,
  },
  leave: { fields: { room, member: opt(boolField('member')) }, alwaysSucceeds: false },
  publish: {
    fields: { room, data: dataSpec, id: optionalId, replyTo: opt(intField('replyTo', 1)) },
    alwaysSucceeds: false,
  },
  history: {
    fields: {
      room,
      before: opt(intField('before', 1)),
      limit: opt(intField('limit', 1, 100)),
      replyTo: opt(intField('replyTo', 1)),
    },
    alwaysSucceeds: false,
  },
  edit: { fields: { room, seq, data: dataSpec, id: optionalId }, alwaysSucceeds: false },
  delete: { fields: { room, seq, id: optionalId }, alwaysSucceeds: false },
  react: {
    fields: { room, seq, reaction: req(reactionField), on: opt(boolField('on')), id: optionalId },
    alwaysSucceeds: false,
  },
  read: { fields: { room, upTo: req(intField('upTo', 0)) }, alwaysSucceeds: false },
  typing: {
    fields: { room, state: req(enumField('state', ['start', 'stop'], ['START', '', 'typing'])) },
    alwaysSucceeds: false,
  },
  status: {
    fields: {
      status: req(enumField('status', ['online', 'away', 'busy'], ['offline', 'ONLINE', '', 'invisible'])),
    },
    alwaysSucceeds: true,
  },
  who: { fields: { room, cursor: opt(cursorField) }, alwaysSucceeds: false },
  // Blocking yourself is BAD_REQUEST, and the fuzz users include the sender.
  block: { fields: { user: req(userField) }, alwaysSucceeds: false },
  unblock: { fields: { user: req(userField) }, alwaysSucceeds: false },
  // Random credentials are refused (UNAUTHORIZED), and exactly one of the two is required.
  refresh: {
    fields: { token: opt(credentialField('token')), ticket: opt(credentialField('ticket')) },
    alwaysSucceeds: false,
  },
};

const actionNames = Object.keys(actionSpecs);
if (actionNames.length !== actions.length) {
  throw new Error(`the fuzz knows ${actionNames.join(',')} but the manifest routes ${actions.join(',')}`);
}

/** Extra fields: ignored by the server, but they must not confuse it. */
const extraEntries = (taken: readonly string[]) =>
  fc.array(
    fc.tuple(
      fc.oneof(edgeString, fc.string({ maxLength: 10 })).filter((k) => !taken.includes(k) && k !== 'ref'),
      fc.oneof(hostileJsonValue, prototypeKeyJson),
    ),
    { maxLength: 3 },
  );

const entriesOf = (
  action: unknown,
  fields: Record<string, Field>,
  extras: readonly (readonly [string, unknown])[],
) => {
  const entries: [string, unknown][] = [['action', action]];
  for (const [name, field] of Object.entries(fields))
    if (field.value !== absent) entries.push([name, field.value]);
  return [...entries, ...extras];
};

/** A frame of a known action with every field valid, some at their limits. */
const validFrame = (mode: 'strict' | 'odd') =>
  fc.constantFrom(...actionNames).chain((action) => {
    const spec = actionSpecs[action]!;
    const names = Object.keys(spec.fields);
    const fieldArbs = Object.fromEntries(
      names.map((name) => {
        const f = spec.fields[name]!;
        const okArb = name === 'data' ? fc.oneof({ weight: 9, arbitrary: f.ok }, dataField.atDepth) : f.ok;
        return [name, mode === 'odd' && f.odd ? fc.oneof(okArb, f.odd) : okArb];
      }),
    );
    return fc
      .record({ fields: fc.record(fieldArbs), extras: extraEntries(names) })
      .map(({ fields, extras }): FuzzFrame => {
        const odd = Object.values(fields).some((f) => f.verdict === 'odd');
        const labels = Object.values(fields)
          .map((f) => f.label)
          .filter((l) => l.includes('@') || l.includes(':'));
        return {
          label: [action, ...labels].join(' '),
          expect: spec.alwaysSucceeds && !odd ? 'reply' : 'any',
          entries: entriesOf(action, fields, extras),
        };
      });
  });

/** A frame of a known action with exactly one field broken (or missing). */
const brokenFieldFrame = fc
  .constantFrom(...actionNames.filter((a) => Object.keys(actionSpecs[a]!.fields).length > 0))
  .chain((action) => {
    const spec = actionSpecs[action]!;
    const names = Object.keys(spec.fields);
    return fc.constantFrom(...names).chain((broken) => {
      const f = spec.fields[broken]!;
      const badArb =
        broken === 'data'
          ? fc.oneof(f.bad, dataField.tooDeep)
          : f.required
            ? fc.oneof({ weight: 5, arbitrary: f.bad }, c('bad', `${broken}:missing`, absent))
            : f.bad;
      const fieldArbs = Object.fromEntries(
        names.map((name) => [name, name === broken ? badArb : spec.fields[name]!.ok]),
      );
      return fc.record({ fields: fc.record(fieldArbs), extras: extraEntries(names) }).map(
        ({ fields, extras }): FuzzFrame => ({
          label: `${action} ${fields[broken]!.label}`,
          expect: 'error',
          entries: entriesOf(action, fields, extras),
        }),
      );
    });
  });

const unknownAction = fc.oneof(
  fc.constantFrom<unknown>(
    '$connect',
    '$disconnect',
    '$default',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'PING',
    ' ping',
    'ping ',
    'ping\u0000',
    'sénd',
    '',
    'edit',
    'refresh',
    'block',
  ),
  hostileString(30).filter((s) => !actions.includes(s)),
  fc.constantFrom<unknown>(1, null, true, {}, [], { action: 'ping' }),
);

/** Frames with a usable ref that are wrong as a whole. */
const wrongFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  unknownAction.map(
    (action): FuzzFrame => ({ label: 'unknown action', expect: 'error', entries: [['action', action]] }),
  ),
  fc.constant<FuzzFrame>({ label: 'no action', expect: 'error', entries: [['data', 1]] }),
  fc.constant<FuzzFrame>({
    label: 'fields under __proto__',
    expect: 'error',
    entries: [
      ['action', 'send'],
      ['__proto__', new RawJson('{"to":"fz-w0","data":1}')],
    ],
  }),
  fc.constant<FuzzFrame>({
    label: 'action under __proto__',
    expect: 'error',
    entries: [['__proto__', new RawJson('{"action":"ping"}')]],
  }),
  fc.constant<FuzzFrame>({
    label: 'duplicate action, unknown last',
    expect: 'error',
    entries: [
      ['action', 'ping'],
      ['action', 'nope'],
    ],
  }),
);

/** Frames that carry no usable ref. */
const reflessFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  notJsonText.map((text): FuzzFrame => ({ label: 'not JSON', expect: 'error', text, refless: 'error' })),
  notAnObjectJson.map(
    (value): FuzzFrame => ({
      label: 'not an object',
      expect: 'error',
      text: JSON.stringify(value),
      refless: 'error',
    }),
  ),
  fc
    .record({
      action: fc.constantFrom(...actionNames, 'nope'),
      ref: fc.oneof(
        c('bad', 'ref@65', 'r'.repeat(65)),
        c('bad', 'ref@1000', 'r'.repeat(1000)),
        wrongTypes('ref', 1, null, true, {}, [], ['r1']),
      ),
    })
    .map(
      ({ action, ref }): FuzzFrame => ({
        label: `${action} ${ref.label}`,
        expect: 'error',
        text: toJsonText({ action, ref: ref.value }),
        refless: 'error',
      }),
    ),
);

/** Frames every one of which must be refused. */
export const hostileFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 6, arbitrary: brokenFieldFrame },
  { weight: 2, arbitrary: wrongFrame },
  { weight: 2, arbitrary: reflessFrame },
);

/** Valid frames, many with fields at their limits or of odd content. */
export const wildFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 4, arbitrary: validFrame('strict') },
  { weight: 4, arbitrary: validFrame('odd') },
  {
    weight: 1,
    arbitrary: fc.constant<FuzzFrame>({
      label: 'ping without ref',
      expect: 'any',
      text: '{"action":"ping"}',
      refless: 'pong',
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constant<FuzzFrame>({
      label: 'duplicate action, ping last',
      expect: 'any',
      entries: [
        ['action', 'nope'],
        ['action', 'ping'],
      ],
    }),
  },
);

/** A ref made unique by `serial`, padded with unicode to at most 64 characters (the limit). */
export const refPadding = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constant('\ud800'.repeat(64)),
  fc.constant('😀'.repeat(40)),
);

export function frameText(frame: FuzzFrame, ref: string): string {
  if (frame.text !== undefined) return frame.text;
  const entries = [...(frame.entries ?? []), ['ref', ref] as const];
  return `{${entries.map(([k, value]) => `${JSON.stringify(k)}:${toJsonText(value)}`).join(',')}}`;
}

export const makeRef = (serial: string, padding: string): string => `${serial}~${padding}`.slice(0, 64);
