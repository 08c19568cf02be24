import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { type Frame, sleep, type TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { api } from '../http/http-fixtures.ts';

// INBOX_MAX is low enough that, without a per-sender cap, one sender's messages would push
// everyone else's out; INBOX_MAX_PER_SENDER keeps its default, 100.
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    functionEnv: { INBOX_MAX: '120', RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' },
  });
});
afterAll(() => rt?.stop());

const inbox = async (userId: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`)).filter((i) =>
    String(i.sk).startsWith('MSG#'),
  );

/** A request, retried while the rate limit says to wait (100 sends run past its burst). */
async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<Frame> {
  for (;;) {
    const answer = await socket.request(frame);
    if (answer.code !== 'RATE_LIMITED') return answer;
    await sleep(Number(answer.retryAfterMs ?? 50));
  }
}

async function sendMany(socket: TestSocket, to: string, count: number, label: string): Promise<Frame[]> {
  const answers: Frame[] = [];
  for (let i = 0; i < count; i += 1)
    answers.push(await request(socket, { action: 'send', to, data: `${label}${i}` }));
  return answers;
}

describe('Inbox share per sender', () => {
  it('answers INBOX_FULL to the 101st unacknowledged send and writes nothing; an ack lets one more through', async () => {
    const [spam, vic] = await Promise.all([rt.connect('spam1'), rt.connect('vic1')]);
    const answers = await sendMany(spam, 'vic1', 100, 'm');
    expect(answers.every((a) => a.type === 'reply')).toBe(true);

    const full = await request(spam, { action: 'send', to: 'vic1', data: 'one too many' });
    expect(full).toMatchObject({ type: 'error', code: 'INBOX_FULL' });
    expect(await inbox('vic1')).toHaveLength(100);

    await vic.waitFor(() => vic.ofType('message').length === 100);
    const first = vic.ofType('message')[0]!;
    expect((await vic.request({ action: 'ack', ids: [first.id] })).result).toEqual({ acked: 1 });
    expect(await request(spam, { action: 'send', to: 'vic1', data: 'after ack' })).toMatchObject({
      type: 'reply',
    });
    expect(await request(spam, { action: 'send', to: 'vic1', data: 'full again' })).toMatchObject({
      type: 'error',
      code: 'INBOX_FULL',
    });
    expect(await inbox('vic1')).toHaveLength(100);
    await Promise.all([spam.close(), vic.close()]);
  });

  it('lets other senders and notifications in while one sender is at its cap', async () => {
    const [spam, pal] = await Promise.all([rt.connect('spam2'), rt.connect('pal2')]);
    await sendMany(pal, 'vic2', 5, 'pal');
    const answers = await sendMany(spam, 'vic2', 130, 'spam');
    expect(answers.filter((a) => a.code === 'INBOX_FULL')).toHaveLength(30);
    await sendMany(pal, 'vic2', 5, 'later');

    const posted = await api(rt, 'POST', '/messages', {
      as: 'ops',
      roles: ['admin'],
      body: { target: { users: ['vic2'] }, data: 'maintenance tonight', from: 'ops-service' },
    });
    expect(posted.status).toBe(202);

    const vic = await rt.connect('vic2');
    await request(vic, { action: 'sync', limit: 500 });
    const seen = vic.frames
      .filter((f) => f.type === 'message' || f.type === 'notification')
      .map((f) => f.data);
    expect(seen.filter((d) => String(d).startsWith('pal'))).toHaveLength(5);
    expect(seen.filter((d) => String(d).startsWith('later'))).toHaveLength(5);
    expect(seen.filter((d) => String(d).startsWith('spam'))).toHaveLength(100);
    expect(seen).toContain('maintenance tonight');
    await Promise.all([spam.close(), pal.close(), vic.close()]);
  });

  it('gives a sender room again when the INBOX_MAX cap drops its oldest messages', async () => {
    const [spam, pal] = await Promise.all([rt.connect('spam3'), rt.connect('pal3')]);
    await sendMany(spam, 'vic3', 100, 'spam');
    expect(await request(spam, { action: 'send', to: 'vic3', data: 'x' })).toMatchObject({
      code: 'INBOX_FULL',
    });
    // 30 more from others: the cap of 120 drops spam3's 10 oldest.
    await sendMany(pal, 'vic3', 30, 'pal');
    expect(await inbox('vic3')).toHaveLength(120);
    const again = await sendMany(spam, 'vic3', 11, 'again');
    expect(again.map((a) => a.type)).toEqual([...Array(10).fill('reply'), 'error']);
    await Promise.all([spam.close(), pal.close()]);
  });
});

describe('Inbox share per sender, with expiry', () => {
  let short: TestRuntime;
  beforeAll(async () => {
    short = await startTestRuntime({ functionEnv: { INBOX_MAX_PER_SENDER: '3', INBOX_TTL_SECONDS: '1' } });
  });
  afterAll(() => short?.stop());

  it('counts a message past its expiry out, though nothing deleted it', async () => {
    const spam = await short.connect('spam4');
    for (let i = 0; i < 3; i += 1) await spam.request({ action: 'send', to: 'vic4', data: i });
    expect(await spam.request({ action: 'send', to: 'vic4', data: 3 })).toMatchObject({ code: 'INBOX_FULL' });
    await sleep(2100);
    expect(await spam.request({ action: 'send', to: 'vic4', data: 4 })).toMatchObject({ type: 'reply' });
    await spam.close();
  });
});
