import { describe, expect, it } from 'vitest';
import {
  applyEntry,
  applyHistory,
  emptyMessageList,
  type MessageListState,
  markStale,
  type RoomEntry,
} from '../../../client/message-list.ts';
import type { MessageFrame } from '../../../protocol/server-frames.ts';

const message = (seq: number, extra: Partial<RoomEntry> = {}): RoomEntry => ({
  type: 'message',
  id: `m${seq}`,
  from: 'ann',
  room: 'r',
  seq,
  data: { text: `t${seq}` },
  ts: 1000 + seq,
  ...extra,
});
const entry = (seq: number, kind: string, target: number, extra: Partial<RoomEntry> = {}): RoomEntry =>
  ({ ...message(seq, { data: null }), kind, target, ...extra }) as RoomEntry;
const stored = (seq: number, extra: Record<string, unknown> = {}) => {
  const { type: _type, ...rest } = message(seq) as MessageFrame;
  return { ...rest, seq, room: 'r', ...extra };
};
const applyAll = (entries: RoomEntry[], state: MessageListState = emptyMessageList(500)) =>
  entries.reduce(applyEntry, state);
const seqs = (state: MessageListState) => state.views.map((v) => v.seq);

describe('Function: applyEntry', () => {
  it('adds ordinary messages in seq order with no reactions and no replies', () => {
    const state = applyAll([message(2), message(1)]);
    expect(state.views).toEqual([
      { seq: 1, id: 'm1', from: 'ann', ts: 1001, data: { text: 't1' }, reactions: {}, replies: 0 },
      { seq: 2, id: 'm2', from: 'ann', ts: 1002, data: { text: 't2' }, reactions: {}, replies: 0 },
    ]);
  });

  it('replaces the data of an edited message and sets editedAt to the edit entry’s ts', () => {
    const state = applyAll([message(1), entry(2, 'edit', 1, { data: { text: 'new' }, ts: 5000 })]);
    expect(state.views).toEqual([expect.objectContaining({ seq: 1, data: { text: 'new' }, editedAt: 5000 })]);
  });

  it('blanks a deleted message and keeps its place', () => {
    const state = applyAll([message(1), message(2), entry(3, 'delete', 1)]);
    expect(state.views[0]).toEqual(expect.objectContaining({ seq: 1, data: null, deleted: true }));
    expect(seqs(state)).toEqual([1, 2]);
  });

  it('counts each reaction entry once and removes a reaction nobody holds', () => {
    const state = applyAll([
      message(1),
      entry(2, 'reaction', 1, { reaction: '👍', on: true }),
      entry(3, 'reaction', 1, { reaction: '👍', on: true }),
      entry(4, 'reaction', 1, { reaction: '🎉' }),
      entry(5, 'reaction', 1, { reaction: '🎉', on: false }),
      entry(6, 'reaction', 1, { reaction: '👍', on: false }),
    ]);
    expect(state.views[0]?.reactions).toEqual({ '👍': 1 });
  });

  it('counts a reply on its parent and keeps the reply as a message of its own', () => {
    const state = applyAll([message(1), message(2, { replyTo: 1 }), message(3, { replyTo: 1 })]);
    expect(state.views.map((v) => [v.seq, v.replies, v.replyTo])).toEqual([
      [1, 2, undefined],
      [2, 0, 1],
      [3, 0, 1],
    ]);
  });

  it('ignores lifecycle entries and replies whose target the list does not hold', () => {
    const before = applyAll([message(5)]);
    const after = applyAll(
      [entry(6, 'edit', 1), entry(7, 'delete', 2), entry(8, 'reaction', 3, { reaction: 'x' })],
      before,
    );
    expect(after).toBe(before);
    expect(applyAll([message(9, { replyTo: 4 })], before).views.map((v) => v.replies)).toEqual([0, 0]);
  });

  it('takes the current state a recovered history message carries', () => {
    const recovered = message(1, { editedAt: 7, reactions: { a: 2 }, replies: 3 } as Partial<RoomEntry>);
    expect(applyAll([recovered]).views[0]).toEqual(
      expect.objectContaining({ editedAt: 7, reactions: { a: 2 }, replies: 3 }),
    );
  });

  it('does not apply again the entries a recovered history message already counts', () => {
    const recovered = message(5, { reactions: { a: 1 }, replies: 1, asOf: 7 } as Partial<RoomEntry>);
    const state = applyAll([
      recovered,
      entry(6, 'reaction', 5, { reaction: 'a' }),
      message(7, { replyTo: 5 }),
      entry(8, 'reaction', 5, { reaction: 'a' }),
    ]);
    expect(state.views.map((v) => [v.seq, v.reactions, v.replies])).toEqual([
      [5, { a: 2 }, 1],
      [7, {}, 0],
    ]);
  });

  it('keeps the newest messages when the list is full', () => {
    const state = applyAll(
      [1, 2, 3, 4].map((s) => message(s)),
      emptyMessageList(3),
    );
    expect(seqs(state)).toEqual([2, 3, 4]);
  });

  it('does not change the state it is given', () => {
    const before = applyAll([message(1)]);
    const copy = structuredClone(before);
    applyAll(
      [entry(2, 'edit', 1), entry(3, 'reaction', 1, { reaction: 'x' }), message(4, { replyTo: 1 })],
      before,
    );
    expect(before).toEqual(copy);
  });
});

describe('Function: applyHistory', () => {
  it('adds the messages of a page in their current state and skips lifecycle entries', () => {
    const state = applyHistory(emptyMessageList(500), [
      stored(3, { kind: 'edit', target: 1 }),
      stored(2, { reactions: { '👍': 2 }, replies: 1 }),
      stored(1, { data: null, deleted: true, editedAt: 9 }),
    ]);
    expect(state.views).toEqual([
      {
        seq: 1,
        id: 'm1',
        from: 'ann',
        ts: 1001,
        data: null,
        deleted: true,
        editedAt: 9,
        reactions: {},
        replies: 0,
      },
      { seq: 2, id: 'm2', from: 'ann', ts: 1002, data: { text: 't2' }, reactions: { '👍': 2 }, replies: 1 },
    ]);
  });

  it('keeps what the list knows over a page read before the entries it applied since', () => {
    const live = applyAll([message(1), entry(2, 'edit', 1, { data: 'new', ts: 50 })]);
    const state = applyHistory(live, [stored(1)]);
    expect(state.views[0]).toEqual(expect.objectContaining({ data: 'new', editedAt: 50 }));
  });

  it('renews stale messages from a page after entries were lost', () => {
    const live = markStale(applyAll([message(1), message(2)]));
    const state = applyHistory(applyAll([message(3)], live), [
      stored(3, { data: 'page' }),
      stored(2, { reactions: { a: 1 } }),
    ]);
    expect(state.views.map((v) => [v.seq, v.reactions])).toEqual([
      [1, {}],
      [2, { a: 1 }],
      [3, {}],
    ]);
    expect(state.views[2]?.data).toEqual({ text: 't3' });
  });

  it('does not add pages older than a full list', () => {
    const full = applyAll(
      [5, 6].map((s) => message(s)),
      emptyMessageList(2),
    );
    expect(seqs(applyHistory(full, [stored(4), stored(3)]))).toEqual([5, 6]);
  });
});
