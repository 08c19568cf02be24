import type { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { recoverRoomMessages } from '../../../lambdas/core/services/room-history.ts';
import { seqKey } from '../../../lambdas/core/store/keys.ts';
import { recoveryMax } from '../../../protocol/limits.ts';
import { testConfig } from '../../helpers/config.ts';

/** A history of the given seqs behind a fake Query, and a gateway that records posts. */
function fakeRoom(seqs: number[], options: { goneAfter?: number } = {}) {
  const posted: number[] = [];
  const items = seqs.map((seq) => ({
    sk: seqKey(seq),
    id: `m${seq}`,
    room: 'r',
    seq,
    from: 'u',
    data: JSON.stringify(seq),
    ts: seq,
  }));
  const deps = {
    config: testConfig(),
    now: Date.now,
    db: {
      send: async (command: QueryCommand) => {
        const { ExpressionAttributeValues: values, Limit, ExclusiveStartKey } = command.input;
        const after = (ExclusiveStartKey?.sk as string | undefined) ?? (values?.[':bound'] as string);
        const page = items.filter((i) => i.sk > after).slice(0, Limit);
        const more = items.filter((i) => i.sk > after).length > page.length;
        return { Items: page, LastEvaluatedKey: more ? { sk: page.at(-1)?.sk } : undefined };
      },
    },
    posts: {
      post: async (_connectionId: string, frame: string) => {
        if (options.goneAfter !== undefined && posted.length >= options.goneAfter) return 'gone';
        posted.push(JSON.parse(frame).seq);
        return 'ok';
      },
    },
  } as unknown as Deps;
  return { deps, posted };
}

const recover = (deps: Deps, since: number, latest: number) =>
  recoverRoomMessages(deps, { roomId: 'r', epoch: 1, connectionId: 'c', since, latest });

describe('Function: recoverRoomMessages', () => {
  it('pushes every message after since, oldest first, and is complete without a gap', async () => {
    const { deps, posted } = fakeRoom([1, 2, 3, 4, 5]);
    expect(await recover(deps, 2, 5)).toEqual({ recovered: 3, complete: true });
    expect(posted).toEqual([3, 4, 5]);
  });

  it('is incomplete when the first kept message is not since + 1', async () => {
    const { deps, posted } = fakeRoom([4, 5]);
    expect(await recover(deps, 1, 5)).toEqual({ recovered: 2, complete: false });
    expect(posted).toEqual([4, 5]);
  });

  it('is incomplete when messages up to the latest seq are missing', async () => {
    const { deps } = fakeRoom([1, 2]);
    expect(await recover(deps, 0, 4)).toEqual({ recovered: 2, complete: false });
  });

  it('stops at the latest seq read at subscription: later messages arrive live', async () => {
    const { deps, posted } = fakeRoom([1, 2, 3, 4]);
    expect(await recover(deps, 0, 2)).toEqual({ recovered: 2, complete: true });
    expect(posted).toEqual([1, 2]);
  });

  it('is incomplete when since is past the latest seq', async () => {
    const { deps, posted } = fakeRoom([1]);
    expect(await recover(deps, 3, 1)).toEqual({ recovered: 0, complete: false });
    expect(posted).toEqual([]);
  });

  it('stops when the connection is gone', async () => {
    const { deps, posted } = fakeRoom([1, 2, 3], { goneAfter: 1 });
    expect(await recover(deps, 0, 3)).toEqual({ recovered: 1, complete: false });
    expect(posted).toEqual([1]);
  });

  it(`pushes at most ${recoveryMax} messages and then says the view is incomplete`, async () => {
    const total = recoveryMax + 5;
    const { deps, posted } = fakeRoom(Array.from({ length: total }, (_, i) => i + 1));
    expect(await recover(deps, 0, total)).toEqual({ recovered: recoveryMax, complete: false });
    expect(posted).toHaveLength(recoveryMax);
    expect(posted.at(-1)).toBe(recoveryMax);
  });
});
