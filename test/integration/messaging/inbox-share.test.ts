import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { inboxOf, request, send, unlimited } from './inbox-fixtures.ts';

// An inbox of 12 with 5 per sender, where one sender without a share would push everyone
// else's messages out (inbox-cap.test.ts runs the defaults).
let small: TestRuntime;

beforeAll(async () => {
  small = await startTestRuntime({
    functionEnv: { ...unlimited, INBOX_MAX: '12', INBOX_MAX_PER_SENDER: '5' },
  });
});
afterAll(() => small?.stop());

/** `count` sends, ten at a time (a multiple of ten never crosses a cap of 100 mid-batch). */
async function _sendMany(socket: TestSocket, to: string, count: number, label: string): Promise<Frame[]> {
  const answers: Frame[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
      request(socket, { action: 'send', to, data: `${label}${i + j}` }),
    );
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

describe('Inbox share per sender, in a small inbox', () => {
  it('keeps the messages of other senders when one sender sends past its share', async () => {
    const [spam, pal, bud] = await Promise.all([
      small.connect('spam3'),
      small.connect('pal3'),
      small.connect('bud3'),
    ]);
    for (let i = 0; i < 3; i += 1) await send(pal, 'vic3', `pal${i}`);
    const answers: Frame[] = [];
    for (let i = 0; i < 8; i += 1) answers.push(await send(spam, 'vic3', `spam${i}`));
    expect(answers.map((a) => a.code ?? a.type)).toEqual([
      ...Array(5).fill('reply'),
      ...Array(3).fill('INBOX_FULL'),
    ]);
    for (let i = 3; i < 6; i += 1) await send(bud, 'vic3', `pal${i}`);

    const vic = await small.connect('vic3');
    await request(vic, { action: 'sync' });
    const seen = vic.ofType('message').map((m) => m.data);
    expect(seen.filter((d) => String(d).startsWith('pal'))).toEqual([
      'pal0',
      'pal1',
      'pal2',
      'pal3',
      'pal4',
      'pal5',
    ]);
    expect(seen.filter((d) => String(d).startsWith('spam'))).toHaveLength(5);
    await Promise.all([spam.close(), pal.close(), bud.close(), vic.close()]);
  });

  it('gives a sender room again when the INBOX_MAX cap drops its oldest message', async () => {
    const [spam, pal, bud] = await Promise.all([
      small.connect('spam4'),
      small.connect('pal4'),
      small.connect('bud4'),
    ]);
    for (let i = 0; i < 5; i += 1) await send(spam, 'vic4', `spam${i}`);
    expect(await send(spam, 'vic4', 'x')).toMatchObject({ code: 'INBOX_FULL' });
    // 8 from two other senders make 13: the cap of 12 drops spam4's oldest.
    for (let i = 0; i < 8; i += 1) await send(i < 4 ? pal : bud, 'vic4', `pal${i}`);
    expect((await inboxOf(small, 'vic4')).share('spam4')).toEqual({ counted: 4, held: 4 });
    expect(await send(spam, 'vic4', 'room again')).toMatchObject({ type: 'reply' });
    const inbox = await inboxOf(small, 'vic4');
    expect(inbox.entries).toHaveLength(12);
    expect(inbox.share('spam4')).toEqual({ counted: inbox.share('spam4').held, held: 4 });
    await Promise.all([spam.close(), pal.close(), bud.close()]);
  });

  it('holds the share when concurrent sends pass the first check together', async () => {
    const spam = await small.connect('spam6');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(spam, 'vic6', i)));
    expect(answers.filter((a) => a.type === 'reply')).toHaveLength(5);
    expect(answers.filter((a) => a.code === 'INBOX_FULL')).toHaveLength(5);
    expect((await inboxOf(small, 'vic6')).share('spam6')).toEqual({ counted: 5, held: 5 });
    await spam.close();
  });

  it('answers a retry of the send that filled the share with its first result, and refuses a new one writing nothing', async () => {
    const sender = await small.connect('retry5');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const answer = await request(sender, { action: 'send', to: 'vic-retry', data: i, id: `k${i}` });
      expect(answer.type).toBe('reply');
      ids.push(String((answer.result as { messageId: string }).messageId));
    }
    // Its reply lost, the client retries the fifth: the message is stored, so it is answered.
    const retried = await request(sender, { action: 'send', to: 'vic-retry', data: 4, id: 'k4' });
    expect(retried).toMatchObject({ type: 'reply', result: { messageId: ids[4] } });
    const refused = await request(sender, { action: 'send', to: 'vic-retry', data: 5, id: 'k5' });
    expect(refused).toMatchObject({ type: 'error', code: 'INBOX_FULL' });
    // Nothing of the refused send is kept, its idempotency key included.
    expect(await itemsWithPrefix(small.db, small.endpoints.tableName, 'IDEM#retry5#send#k5')).toHaveLength(0);
    expect((await inboxOf(small, 'vic-retry')).entries).toHaveLength(5);
    await sender.close();
  });
});
