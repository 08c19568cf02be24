import { describe, expect, it } from 'vitest';
import { containsMatch, maskMatches, matcherOf } from '../../../lambdas/core/services/content-screen.ts';

const mask = (words: string[], value: unknown) => maskMatches(value, matcherOf(words) as RegExp);

describe('content screen matcher', () => {
  it('matches whole words only', () => {
    expect(mask(['bad'], 'bad badge abad bad.')).toBe('*** badge abad ***.');
    expect(mask(['bad'], 'bad2 _bad_')).toBe('bad2 _***_');
  });

  it('matches case-insensitively', () => {
    expect(mask(['bad'], 'BAD Bad bAd')).toBe('*** *** ***');
    expect(mask(['ÄRGER'], 'ärger Ärger')).toBe('***** *****');
  });

  it('treats letters of any script as word characters', () => {
    expect(mask(['мир'], 'мир, миры, мирный')).toBe('***, миры, мирный');
    expect(mask(['bad'], 'ébad badé bad')).toBe('ébad badé ***');
  });

  it('masks with one star per code point', () => {
    expect(mask(['😀x'], 'a 😀x b')).toBe('a ** b');
  });

  it('escapes regular expression metacharacters in words', () => {
    expect(mask(['a.c'], 'abc a.c')).toBe('abc ***');
    expect(mask(['c++'], 'c++ c')).toBe('*** c');
    expect(mask(['(x)'], '(x) x')).toBe('*** x');
  });

  it('masks every string inside the data and leaves object keys alone', () => {
    const data = { bad: 'bad', list: ['ok', { deep: 'so bad' }], n: 1, t: true, z: null };
    expect(mask(['bad'], data)).toEqual({
      bad: '***',
      list: ['ok', { deep: 'so ***' }],
      n: 1,
      t: true,
      z: null,
    });
  });

  it('prefers the longest word that matches', () => {
    expect(mask(['bad', 'bad word'], 'a bad word')).toBe('a ********');
  });

  it('finds a match anywhere inside the data, and none in keys', () => {
    const matcher = matcherOf(['bad']) as RegExp;
    expect(containsMatch({ a: [{ b: 'so bad' }] }, matcher)).toBe(true);
    expect(containsMatch({ bad: 'fine' }, matcher)).toBe(false);
    expect(containsMatch('badly', matcher)).toBe(false);
  });

  it('has no matcher without words', () => {
    expect(matcherOf([])).toBeUndefined();
  });
});
