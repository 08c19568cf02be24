import { describe, expect, it } from 'vitest';
import {
  historyFrame,
  joinFrame,
  publishFrame,
  readFrame,
  sendFrame,
  typingFrame,
} from '../../../protocol/client-frames.ts';
import { notificationRequest } from '../../../protocol/notification.ts';

describe('Schema: room frames', () => {
  it('accepts room ids of letters, digits and _ . : - up to 128 characters', () => {
    for (const room of ['a', 'team:42', 'doc_1.v2-draft', 'r'.repeat(128)]) {
      expect(joinFrame.safeParse({ action: 'join', room }).success).toBe(true);
    }
  });

  it('refuses room ids that are empty, too long or carry other characters', () => {
    for (const room of ['', 'r'.repeat(129), 'a#b', 'a/b', 'a b', 'é']) {
      expect(joinFrame.safeParse({ action: 'join', room }).success).toBe(false);
    }
  });

  it('takes since and upTo as whole numbers from 0 up', () => {
    expect(joinFrame.safeParse({ action: 'join', room: 'r', since: 0, epoch: 1 }).success).toBe(true);
    expect(joinFrame.safeParse({ action: 'join', room: 'r', since: 2.5 }).success).toBe(false);
    expect(readFrame.safeParse({ action: 'read', room: 'r', upTo: 0 }).success).toBe(true);
    expect(readFrame.safeParse({ action: 'read', room: 'r', upTo: -1 }).success).toBe(false);
  });

  it('bounds the history limit to 1..100 and before to seqs from 1', () => {
    expect(historyFrame.safeParse({ action: 'history', room: 'r', limit: 100, before: 1 }).success).toBe(
      true,
    );
    expect(historyFrame.safeParse({ action: 'history', room: 'r', limit: 101 }).success).toBe(false);
    expect(historyFrame.safeParse({ action: 'history', room: 'r', before: 0 }).success).toBe(false);
  });

  it('requires data on publish, whatever JSON it is, null included', () => {
    expect(publishFrame.safeParse({ action: 'publish', room: 'r', data: null }).success).toBe(true);
    expect(publishFrame.safeParse({ action: 'publish', room: 'r' }).success).toBe(false);
  });

  it('refuses data nested more than 32 levels deep on send, publish and notifications', () => {
    const nested = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    for (const [levels, ok] of [
      [32, true],
      [33, false],
      [5000, false],
    ] as const) {
      const data = nested(levels);
      expect(sendFrame.safeParse({ action: 'send', to: 'u', data }).success).toBe(ok);
      expect(publishFrame.safeParse({ action: 'publish', room: 'r', data }).success).toBe(ok);
      expect(notificationRequest.safeParse({ target: { all: true }, data }).success).toBe(ok);
    }
  });

  it('knows only the start and stop typing states', () => {
    expect(typingFrame.safeParse({ action: 'typing', room: 'r', state: 'stop' }).success).toBe(true);
    expect(typingFrame.safeParse({ action: 'typing', room: 'r', state: 'paused' }).success).toBe(false);
  });
});
