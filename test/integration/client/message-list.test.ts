import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WaveletClient } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { clientEnv, clientFor, eventually } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

/** The texts of a room's list, `null` for a deleted message, for failure messages. */
const texts = (client: WaveletClient, room: string) =>
  JSON.stringify(client.messages(room).map((m) => [m.seq, m.data, m.reactions, m.replies]));

describe('Method: messages', () => {
  it('shows the same current state to a client that stayed, one that came back and one that loaded history', async () => {
    const room = 'list-recovery';
    const ann = clientFor(rt, 'list-ann').client;
    const ben = clientFor(rt, 'list-ben').client;
    await Promise.all([ann.connect(), ben.connect()]);
    await ann.join(room);
    await ben.join(room);
    const first = await ann.publish(room, { text: 'one' });
    const second = await ann.publish(room, { text: 'two' });
    const third = await ben.publish(room, { text: 'three' });
    await ben.react(room, first.seq, '👍');
    await eventually(
      () => ben.messages(room)[0]?.reactions['👍'] === 1,
      5000,
      () => `ben's list: ${texts(ben, room)}`,
    );

    // Ben is away (closed, no reconnect) while messages are edited, reacted to, replied to,
    // deleted and added.
    await ben.close();
    await ann.edit(room, first.seq, { text: 'one, edited' });
    await ann.react(room, first.seq, '👍');
    await ann.react(room, first.seq, '🎉');
    await ann.react(room, first.seq, '🎉', false);
    await ann.react(room, third.seq, '👀');
    await ann.reply(room, third.seq, { text: 're: three' });
    await ann.delete(room, second.seq);
    await ann.publish(room, { text: 'five' });
    await ann.delete(room, third.seq); // as the room's owner
    await eventually(
      () => ann.messages(room).filter((m) => m.deleted).length === 2 && ann.messages(room).length === 5,
      5000,
      () => `ann's list: ${texts(ann, room)}`,
    );
    const expected = ann.messages(room);
    expect(
      expected.map((m) => [m.data, m.deleted ?? false, m.editedAt !== undefined, m.reactions, m.replies]),
    ).toEqual([
      [{ text: 'one, edited' }, false, true, { '👍': 2 }, 0],
      [null, true, false, {}, 0],
      [null, true, false, { '👀': 1 }, 1],
      [{ text: 're: three' }, false, false, {}, 0],
      [{ text: 'five' }, false, false, {}, 0],
    ]);
    expect(expected[3]?.replyTo).toBe(third.seq);

    // Ben comes back: the re-join with since replays what changed, each entry applied once.
    await ben.connect();
    await eventually(
      () => ben.messages(room).length === 5 && ben.messages(room)[2]?.deleted === true,
      10_000,
      () => `ben's list: ${texts(ben, room)}`,
    );
    expect(ben.messages(room)).toStrictEqual(expected);

    // A client that was never there joins and loads the room's history in its current state.
    const cal = clientFor(rt, 'list-cal').client;
    await cal.connect();
    await cal.join(room);
    await cal.history(room);
    expect(cal.messages(room)).toStrictEqual(expected);

    await Promise.all([ann.close(), ben.close(), cal.close()]);
  }, 60_000);

  it('fires a messages event on each change and empties the list on leave', async () => {
    const room = 'list-events';
    const dee = clientFor(rt, 'list-dee').client;
    await dee.connect();
    await dee.join(room);
    const changes: string[] = [];
    dee.on('messages', ({ room: changed }) => changes.push(changed));
    const { seq } = await dee.publish(room, { text: 'hi' });
    await eventually(() => dee.messages(room).length === 1, 5000, 'the published message');
    await dee.edit(room, seq, { text: 'hello' });
    await eventually(() => dee.messages(room)[0]?.editedAt !== undefined, 5000, 'the edit');
    expect(changes).toEqual([room, room]);

    await dee.leave(room);
    expect(dee.messages(room)).toEqual([]);
    expect(changes).toEqual([room, room, room]);
    await dee.close();
  }, 30_000);
});
