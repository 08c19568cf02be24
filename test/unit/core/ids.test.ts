import { describe, expect, it } from 'vitest';
import { messageIdPattern, newMessageId, newSecretToken } from '../../../lambdas/core/ids.ts';

describe('Function: newMessageId', () => {
  it('makes ids that sort by creation time', () => {
    const early = newMessageId(1_700_000_000_000);
    const late = newMessageId(1_700_000_000_001);
    expect(early < late).toBe(true);
  });

  it('keeps creation order for ids made in the same millisecond', () => {
    const ids = Array.from({ length: 50 }, () => newMessageId(1_700_000_000_500));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
  });

  it('makes 26-character Crockford base32 ids', () => {
    expect(newMessageId()).toMatch(messageIdPattern);
  });
});

describe('Function: newSecretToken', () => {
  it('makes distinct URL-safe tokens of 192 bits', () => {
    const a = newSecretToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newSecretToken()).not.toBe(a);
  });
});
