import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  dropSent,
  keepReactions,
  keepSent,
  keptReactions,
  keptSentReacts,
  resendWithinMs,
  type SentReact,
} from '../../../web/reaction-store.ts';

/** A tab's `sessionStorage`, in memory; `full` makes every write throw as a full quota does. */
function fakeStorage() {
  const items = new Map<string, string>();
  const storage = {
    full: false,
    getItem: (key: string) => items.get(key) ?? null,
    setItem(key: string, value: string) {
      if (storage.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      items.set(key, value);
    },
    removeItem: (key: string) => void items.delete(key),
  };
  return storage;
}

const at = 1_800_000_000_000;
const react = (over: Partial<SentReact> = {}): SentReact => ({
  room: 'cafe',
  seq: 3,
  reaction: '👍',
  on: true,
  id: 'r1',
  at,
  ...over,
});

let storage: ReturnType<typeof fakeStorage>;
beforeEach(() => {
  storage = fakeStorage();
  vi.stubGlobal('sessionStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

describe('Function: keptSentReacts', () => {
  it('gives back the reacts a load kept and has not dropped', () => {
    const first = keepSent('ann', [], react());
    const both = keepSent('ann', first, react({ reaction: '🎉', id: 'r2' }));
    dropSent('ann', both, react());
    expect(keptSentReacts('ann', at + 1000)).toEqual([react({ reaction: '🎉', id: 'r2' })]);
  });

  it(`drops a react clicked ${resendWithinMs / 60_000} minutes or more before the load`, () => {
    keepSent('ann', keepSent('ann', [], react()), react({ seq: 4, id: 'r2', at: at + 60_000 }));
    expect(keptSentReacts('ann', at + resendWithinMs - 1).map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(keptSentReacts('ann', at + resendWithinMs).map((r) => r.id)).toEqual(['r2']);
    expect(keptSentReacts('ann', at + 24 * 3600_000)).toEqual([]);
  });

  it('keeps the reacts of each signed-in user apart', () => {
    keepSent('ann', [], react());
    expect(keptSentReacts('bob', at)).toEqual([]);
    expect(keptSentReacts('ann', at)).toEqual([react()]);
  });

  it('gives back nothing for a kept list it cannot read, and skips entries without a time', () => {
    storage.setItem('wavelet.reactions.sent.ann', '{not json');
    expect(keptSentReacts('ann', at)).toEqual([]);
    const { at: _, ...untimed } = react();
    storage.setItem('wavelet.reactions.sent.ann', JSON.stringify([untimed, react({ id: 'r2' })]));
    expect(keptSentReacts('ann', at).map((r) => r.id)).toEqual(['r2']);
  });
});

describe('Function: keepSent', () => {
  it('replaces an older react of the same reaction to the same message', () => {
    const first = keepSent('ann', [], react({ on: true, id: 'r1' }));
    const now = keepSent('ann', first, react({ on: false, id: 'r2' }));
    expect(now.map((r) => r.id)).toEqual(['r2']);
    expect(keptSentReacts('ann', at).map((r) => r.id)).toEqual(['r2']);
  });

  it('still notes the react for this load when the storage is full', () => {
    storage.full = true;
    const now = keepSent('ann', [], react());
    expect(now).toEqual([react()]);
    expect(dropSent('ann', now, react())).toEqual([]);
  });
});

describe('Function: keptReactions', () => {
  it('gives back the reactions kept for that user only, and survives a full storage', () => {
    keepReactions('ann', { cafe: ['3 👍'] });
    expect(keptReactions('ann')).toEqual({ cafe: ['3 👍'] });
    expect(keptReactions('bob')).toEqual({});
    storage.full = true;
    expect(() => keepReactions('ann', { cafe: [] })).not.toThrow();
  });

  it('keeps only lists of strings from what the storage holds', () => {
    storage.setItem(
      'wavelet.reactions.mine.ann',
      JSON.stringify({ cafe: ['3 👍'], bar: '3 👍', pub: [3], inn: null }),
    );
    expect(keptReactions('ann')).toEqual({ cafe: ['3 👍'] });
    storage.setItem('wavelet.reactions.mine.ann', JSON.stringify(['3 👍']));
    expect(keptReactions('ann')).toEqual({});
  });
});
