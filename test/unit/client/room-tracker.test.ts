import { describe, expect, it, vi } from 'vitest';
import { WaveletError } from '../../../client/errors.ts';
import { type GapEvent, RoomTracker } from '../../../client/room-tracker.ts';
import type { HistoryPage } from '../../../protocol/results.ts';
import type { MessageFrame, RoomMessage } from '../../../protocol/server-frames.ts';

const stored = (seq: number): RoomMessage => ({
  id: `m${seq}`,
  from: 'u',
  room: 'r',
  seq,
  data: seq,
  ts: seq,
});
const live = (seq: number): MessageFrame => ({ type: 'message', ...stored(seq) });

/** A tracker over a room whose history holds `kept` seqs; history requests are recorded. */
function setup(kept: number[] = []) {
  const delivered: MessageFrame[] = [];
  const gaps: GapEvent[] = [];
  const historyCalls: { before: number; limit: number }[] = [];
  let historyFailure: unknown;
  const history = vi.fn(async (_room: string, before: number, limit: number): Promise<HistoryPage> => {
    historyCalls.push({ before, limit });
    if (historyFailure) throw historyFailure;
    const messages = kept
      .filter((s) => s < before)
      .sort((a, b) => b - a)
      .slice(0, limit)
      .map(stored);
    return { messages, next: null };
  });
  const tracker = new RoomTracker('r', {
    deliver: (m) => delivered.push(m),
    gap: (g) => gaps.push(g),
    history,
    historyFailed: (error) => !(error instanceof WaveletError && error.code === 'CLOSED'),
  });
  const seqs = () => delivered.map((m) => m.seq);
  return {
    tracker,
    delivered,
    gaps,
    historyCalls,
    seqs,
    failHistory: (error: unknown) => {
      historyFailure = error;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const joinResult = (seq: number, epoch = 1, complete = true) => ({
  room: 'r',
  epoch,
  seq,
  recovered: 0,
  complete,
});

describe('Class: RoomTracker', () => {
  it('passes messages on in seq order from the join on, dropping duplicates', () => {
    const { tracker, seqs, gaps } = setup();
    tracker.joined(joinResult(4));
    for (const seq of [5, 6, 6, 4, 7, 5]) tracker.receive(live(seq));
    expect(seqs()).toEqual([5, 6, 7]);
    expect(gaps).toEqual([]);
  });

  it('holds messages that arrive before the join reply, and drops those the join already covers', () => {
    const { tracker, seqs } = setup();
    for (const seq of [3, 5, 6]) tracker.receive(live(seq));
    expect(seqs()).toEqual([]);
    tracker.joined(joinResult(4));
    expect(seqs()).toEqual([5, 6]);
  });

  it('reports a gap the moment a seq is skipped, and fills it from history before going on', async () => {
    const { tracker, seqs, gaps, historyCalls, delivered } = setup([1, 2, 3, 4, 5, 6, 7, 8]);
    tracker.joined(joinResult(2));
    tracker.receive(live(3));
    tracker.receive(live(6));
    tracker.receive(live(7));
    expect(gaps).toEqual([{ room: 'r', expectedSeq: 4, receivedSeq: 6 }]);
    expect(seqs()).toEqual([3]);
    await settle();
    expect(historyCalls).toEqual([{ before: 6, limit: 2 }]);
    expect(seqs()).toEqual([3, 4, 5, 6, 7]);
    expect(delivered[1]).toMatchObject({ seq: 4, recovered: true });
    // The late live copy of a recovered message is a duplicate.
    tracker.receive(live(5));
    tracker.receive(live(8));
    expect(seqs()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(gaps).toHaveLength(1);
  });

  it('pages history backwards across a hole wider than one page', async () => {
    const kept = Array.from({ length: 300 }, (_, i) => i + 1);
    const { tracker, seqs, historyCalls } = setup(kept);
    tracker.joined(joinResult(10));
    tracker.receive(live(260));
    await settle();
    await settle();
    expect(historyCalls).toEqual([
      { before: 260, limit: 100 },
      { before: 160, limit: 100 },
      { before: 60, limit: 49 },
    ]);
    expect(seqs()).toEqual(Array.from({ length: 250 }, (_, i) => i + 11));
  });

  it('reports an incomplete recovery when history no longer holds the missing seqs, then carries on', async () => {
    const { tracker, seqs, gaps } = setup([1, 2, 5, 6]); // 3 and 4 expired
    tracker.joined(joinResult(2));
    tracker.receive(live(6));
    await settle();
    expect(gaps).toEqual([
      { room: 'r', expectedSeq: 3, receivedSeq: 6 },
      { room: 'r', complete: false, reason: 'expired', fromSeq: 3, toSeq: 4 },
    ]);
    expect(seqs()).toEqual([5, 6]);
  });

  it('leaves a hole to the re-join when history fails because the connection dropped', async () => {
    const { tracker, seqs, gaps, failHistory } = setup([1, 2, 3, 4]);
    failHistory(new WaveletError('CLOSED', 'connection dropped'));
    tracker.joined(joinResult(2));
    tracker.receive(live(4));
    await settle();
    expect(gaps).toHaveLength(1);
    expect(seqs()).toEqual([]);
    expect(tracker.joinFields()).toEqual({ since: 2, epoch: 1 });
  });

  it('lets a re-join recover without reporting gaps, and recovers what it left out with history', async () => {
    const { tracker, seqs, gaps, historyCalls } = setup([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tracker.joined(joinResult(2));
    tracker.joinsInFlight = 1;
    // The join's recovery (3, 4) interleaved with a live message (9); 5 to 8 were not pushed.
    tracker.receive(live(9));
    tracker.receive({ ...live(3), recovered: true });
    tracker.receive({ ...live(4), recovered: true });
    expect(gaps).toEqual([]);
    tracker.joinsInFlight = 0;
    tracker.joined(joinResult(8, 1, false));
    await settle();
    expect(historyCalls).toEqual([{ before: 9, limit: 4 }]);
    expect(seqs()).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(gaps).toEqual([{ room: 'r', expectedSeq: 5, receivedSeq: 9 }]);
  });

  it('starts over, reporting an incomplete recovery, when the room has a new epoch', () => {
    const { tracker, seqs, gaps } = setup();
    tracker.joined(joinResult(40, 1));
    tracker.receive(live(41));
    tracker.joined(joinResult(3, 2));
    expect(gaps).toEqual([{ room: 'r', complete: false, reason: 'epoch' }]);
    tracker.receive(live(4));
    expect(seqs()).toEqual([41, 4]);
    expect(tracker.joinFields()).toEqual({ since: 4, epoch: 2 });
  });

  it('drops everything once left', () => {
    const { tracker, seqs } = setup();
    tracker.joined(joinResult(0));
    tracker.leave();
    tracker.receive(live(1));
    expect(seqs()).toEqual([]);
  });
});

describe('Class: RoomTracker, over entries history does not list', () => {
  /** A tracker over a room whose history lists seqs 1, 2, 3 and 5 (4 is an edit entry). */
  function replaying(replayed: number[]) {
    const delivered: MessageFrame[] = [];
    const gaps: GapEvent[] = [];
    const replays: { since?: number; epoch?: number }[] = [];
    const tracker: RoomTracker = new RoomTracker('r', {
      deliver: (m) => delivered.push(m),
      gap: (g) => gaps.push(g),
      history: async (_room, before, limit) => ({
        messages: [1, 2, 3, 5]
          .filter((s) => s < before)
          .sort((a, b) => b - a)
          .slice(0, limit)
          .map(stored),
        next: null,
      }),
      historyFailed: () => true,
      replay: async (_room, fields) => {
        replays.push(fields);
        for (const seq of replayed) tracker.receive({ ...live(seq), recovered: true });
        return joinResult(6);
      },
    });
    return { tracker, seqs: () => delivered.map((m) => m.seq), gaps, replays };
  }

  it('fills a hole history cannot fill with one join since', async () => {
    const { tracker, seqs, gaps, replays } = replaying([4, 5, 6]);
    tracker.joined(joinResult(2));
    tracker.receive(live(6));
    await settle();
    expect(seqs()).toEqual([3, 4, 5, 6]);
    expect(replays).toEqual([{ since: 3, epoch: 1 }]);
    expect(gaps.filter((g) => 'complete' in g)).toEqual([]);
  });

  it('reports what the replay did not bring either as no longer kept, after one replay', async () => {
    const { tracker, seqs, gaps, replays } = replaying([]);
    tracker.joined(joinResult(2));
    tracker.receive(live(6));
    await settle();
    expect(seqs()).toEqual([3, 5, 6]);
    expect(replays).toHaveLength(1);
    expect(gaps.filter((g) => 'complete' in g)).toEqual([
      { room: 'r', complete: false, reason: 'expired', fromSeq: 4, toSeq: 4 },
    ]);
  });
});
