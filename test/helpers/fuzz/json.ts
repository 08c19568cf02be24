import fc from 'fast-check';

/**
 * JSON text that is spliced into a frame or body as is: values a JS object cannot hold (an own
 * `__proto__` key, a duplicate key) or that would be costly to build as objects (5,000 levels).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serializes like JSON.stringify, except that {@link RawJson} values go in verbatim. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `depth` levels of arrays or objects around `leaf`: `[[[0]]]` is 3 deep. */
export function nestedJson(depth: number, kind: 'array' | 'object' | 'mixed' = 'array', leaf = '0'): RawJson {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const asObject = kind === 'object' || (kind === 'mixed' && i % 2 === 1);
    open += asObject ? '{"a":' : '[';
    close = (asObject ? '}' : ']') + close;
  }
  return new RawJson(open + leaf + close);
}

/** A JSON string value whose serialized `data` is exactly `bytes` bytes long (ASCII). */
export const dataOfBytes = (bytes: number): string => 'x'.repeat(bytes - 2);

/**
 * Strings that break naive code: lone surrogates, a reversed pair, NUL and other controls,
 * BOM, zero-width and bidi marks, combining marks, astral characters, delimiters of keys and
 * logs, prototype names, and strings that look like numbers or JSON.
 */
export const edgeStrings: readonly string[] = [
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\udc00\ud800',
  '\u0000',
  'nul\u0000inside',
  '\n\r\t',
  '\ufeff',
  '\u200b\u200d\u2060',
  '\u202e\u2066rtl',
  'e\u0301\u0301\u0301',
  '😀',
  '👩‍👩‍👧‍👦',
  '𝕏𐍈',
  '#',
  'a#b#c',
  '|',
  ':',
  '%00',
  '../..',
  '\\',
  '"',
  '$' + '{x}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '   ',
  '',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '{}',
  '[]',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
];

export const edgeString = fc.constantFrom(...edgeStrings);

/** Any string, weighted towards the edge cases above and full Unicode (lone surrogates too). */
export const hostileString = (maxLength = 40) =>
  fc.oneof(
    { weight: 3, arbitrary: edgeString },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.array(edgeString, { maxLength: 4 }).map((parts) => parts.join('')) },
  );

/** Objects whose keys are prototype names, as JSON text so that `__proto__` is an own key. */
export const prototypeKeyJson: fc.Arbitrary<RawJson> = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        '__defineGetter__',
      ),
      fc.constantFrom('{"admin":true}', '{"prototype":{"polluted":1}}', 'null', '1', '"x"', '[]'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((pairs) => new RawJson(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`));

/** Any JSON value: unicode strings, prototype keys, odd numbers, moderate nesting. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }) },
  { weight: 1, arbitrary: prototypeKeyJson },
  { weight: 1, arbitrary: hostileString() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, null, true),
  },
  { weight: 1, arbitrary: fc.dictionary(hostileString(12), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 5 }) },
);

/** JSON values that are not objects, and texts that are not JSON at all. */
export const notAnObjectJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
  fc.constantFrom<unknown>([{ action: 'ping', ref: 'in-an-array' }], 'ping', ['send']),
);

export const notJsonText = fc
  .oneof(
    fc.constantFrom(
      '',
      ' ',
      '{',
      '}',
      '[',
      '"',
      '{"action":"ping"',
      '{"action":"ping",}',
      "{'action':'ping'}",
      '{action:"ping"}',
      'NaN',
      'undefined',
      '\ufeff{"action":"ping","ref":"bom"}',
      '{"action":"ping","ref":"x"}garbage',
      '{"action":"ping" "ref":"x"}',
      '\u0000',
    ),
    fc.string({ unit: 'binary', maxLength: 200 }),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });
