import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyPart, keyPart, keys } from '../../../lambdas/core/store/keys.ts';

/** Every builder of a table item's key, index key or partition, as a function of its inputs. */
const builders = {
  connection: ([c]: string[]) => keys.connection(c!),
  livePresence: ([u]: string[]) => keys.livePresence(u!),
  inboxPartition: ([u]: string[]) => ({ pk: keys.inboxPartition(u!) }),
  inboxMessage: ([u, m]: string[]) => keys.inboxMessage(u!, m!),
  inboxMeta: ([u]: string[]) => keys.inboxMeta(u!),
  idempotencySend: ([u, id]: string[]) => keys.idempotency({ user: u!, kind: 'send' }, id!),
  idempotencyNotify: ([u, id]: string[]) => keys.idempotency({ user: u!, kind: 'notify' }, id!),
  idempotencyPublish: ([u, r, id]: string[]) =>
    keys.idempotency({ user: u!, kind: 'publish', room: r! }, id!),
  ticket: ([t]: string[]) => keys.ticket(t!),
  room: ([r]: string[]) => keys.room(r!),
  roomPartition: ([r]: string[]) => ({ pk: keys.roomPartition(r!) }),
  member: ([r, u]: string[]) => keys.member(r!, u!),
  membershipByUser: ([u, r]: string[]) => keys.membershipByUser(u!, r!),
  readCursor: ([r, u]: string[]) => keys.readCursor(r!, u!),
  userRooms: ([u]: string[]) => ({ gsi1pk: keys.userRooms(u!) }),
  subscriptions: ([r]: string[]) => ({ pk: keys.subscriptions(r!) }),
  subscription: ([r, c]: string[]) => keys.subscription(r!, c!),
  roomMessages: ([r, e]: string[]) => ({ pk: keys.roomMessages(r!, Number(e)) }),
  roomMessage: ([r, e, s]: string[]) => keys.roomMessage(r!, Number(e), Number(s)),
  presence: ([u]: string[]) => keys.presence(u!),
  rateWindow: ([u, a, w]: string[]) => keys.rateWindow(u!, a!, Number(w)),
} satisfies Record<string, (parts: string[]) => Record<string, string>>;

type Kind = keyof typeof builders;
/** Which inputs are numbers (epoch, seq, window); the rest are caller-controlled text. */
const numeric: Partial<Record<Kind, number[]>> = { roomMessages: [1], roomMessage: [1, 2], rateWindow: [2] };
const threeParts: Kind[] = ['idempotencyPublish', 'roomMessage', 'rateWindow'];
const oneParts: Kind[] = ['connection', 'livePresence', 'inboxPartition', 'inboxMeta', 'ticket', 'room'];
oneParts.push('roomPartition', 'userRooms', 'subscriptions', 'presence');
const arity = (kind: Kind) => (threeParts.includes(kind) ? 3 : oneParts.includes(kind) ? 1 : 2);

/** Text that is mostly delimiters, escapes and awkward code units, where collisions would hide. */
const hostileText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '#',
      '%',
      '2',
      '3',
      'a',
      'u',
      'D',
      '8',
      '\u0000',
      '\n',
      '\u007f',
      '\ud800',
      '\udc00',
    ),
    maxLength: 8,
  }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

const inputsOf = (kind: Kind) =>
  fc.tuple(
    ...Array.from({ length: arity(kind) }, (_, i) =>
      numeric[kind]?.includes(i) ? fc.nat({ max: 1000 }).map(String) : hostileText,
    ),
  );

const anyKey = fc.oneof(
  ...(Object.keys(builders) as Kind[]).map((kind) => inputsOf(kind).map((inputs) => ({ kind, inputs }))),
);

/** An item key, index key or partition as one comparable string. */
const render = (kind: Kind, inputs: string[]): string => {
  const key: Record<string, string> = builders[kind](inputs);
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, key[name]]),
  );
};

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('Function: keyPart', () => {
  it('keeps ids of the usual alphabets as they are', () => {
    for (const id of ['alice', 'auth0|123', 'a.b@example.com', 'room-1:x_y', 'BFaT_fALIAMCKug=', 'é😀'])
      expect(keyPart(id)).toBe(id);
  });

  it('escapes the delimiter, the escape character, control characters and lone surrogates', () => {
    expect(keyPart('a#b')).toBe('a%23b');
    expect(keyPart('50%')).toBe('50%25');
    expect(keyPart('%23')).toBe('%2523');
    expect(keyPart('a\u0000b\nc\u007f')).toBe('a%00b%0Ac%7F');
    expect(keyPart('\ud800x\udc00')).toBe('%uD800x%uDC00');
    expect(keyPart('😀')).toBe('😀');
  });

  it('is undone by decodeKeyPart and never yields a delimiter, a control character or a lone surrogate', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const part = keyPart(text);
        expect(decodeKeyPart(part)).toBe(text);
        const codes = [...part].map((ch) => ch.charCodeAt(0));
        expect(codes.filter((c) => c === 0x23 || c <= 0x1f || c === 0x7f)).toEqual([]);
        expect(part).not.toMatch(loneSurrogate);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Object: keys', () => {
  it('keeps the idempotency keys of finding 2 apart (user a with id x#send#y, user a#send#x with id y)', () => {
    const first = keys.idempotency({ user: 'a', kind: 'send' }, 'x#send#y');
    const second = keys.idempotency({ user: 'a#send#x', kind: 'send' }, 'y');
    expect(first.pk).not.toBe(second.pk);
    expect(first.pk).toBe('IDEM#a#send#x%23send%23y');
  });

  it.each([
    ['member', ['r#MEMBER', 'u'], ['r', 'MEMBER#u']],
    ['subscription', ['r#CONN', 'c'], ['r', 'CONN#c']],
    ['inboxMessage', ['u#MSG', 'm'], ['u', 'MSG#m']],
    ['readCursor', ['r', 'u%23'], ['r', 'u#']],
    ['rateWindow', ['u#send', 'x', '1'], ['u', 'send#x', '1']],
    ['roomMessage', ['r#1', '2', '3'], ['r', '1#2', '3']],
    ['idempotencyPublish', ['u', 'r#x', 'y'], ['u', 'r', 'x#y']],
    ['idempotencySend', ['u#notify', 'x'], ['u', 'notify#x']],
    ['membershipByUser', ['u', 'r#x'], ['u#ROOM', 'x']],
  ] as [Kind, string[], string[]][])(
    'gives %s different keys for inputs that differ only in where a # falls',
    (kind, a, b) => {
      expect(render(kind, a)).not.toBe(render(kind, b));
    },
  );

  it('builds distinct keys from distinct inputs, within each builder and across builders (property)', () => {
    let compared = 0;
    fc.assert(
      fc.property(anyKey, anyKey, (x, y) => {
        compared += 1;
        const same = x.kind === y.kind && JSON.stringify(x.inputs) === JSON.stringify(y.inputs);
        expect(render(x.kind, x.inputs) === render(y.kind, y.inputs)).toBe(same);
      }),
      { numRuns: 20_000 },
    );
    expect(compared).toBe(20_000);
  });
});
