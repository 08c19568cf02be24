import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

const inbox = (userId: string) =>
  itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${userId}`).then((items) =>
    items.filter((i) => String(i.sk).startsWith('MSG#')),
  );

describe('Direct messages', () => {
  it('delivers a direct message to every connection of the recipient', async () => {
    const alice = await rt.connect('alice');
    const phone = await rt.connect('bob');
    const laptop = await rt.connect('bob');
    const reply = await alice.request({ action: 'send', to: 'bob', data: { text: 'hi' } });
    expect(reply).toMatchObject({
      type: 'reply',
      result: { messageId: expect.any(String), ts: expect.any(Number) },
    });
    const { messageId } = reply.result as { messageId: string };
    for (const socket of [phone, laptop]) {
      const message = await socket.waitFor((f) => f.type === 'message');
      expect(message).toEqual({
        type: 'message',
        id: messageId,
        from: 'alice',
        to: 'bob',
        data: { text: 'hi' },
        ts: expect.any(Number),
      });
    }
    expect(alice.ofType('message')).toHaveLength(0);
    await Promise.all([alice.close(), phone.close(), laptop.close()]);
  });

  it('keeps a message in the inbox across reconnects until it is acknowledged', async () => {
    const alice = await rt.connect('alice');
    const { result } = await alice.request({ action: 'send', to: 'carol', data: 'while you were away' });
    const { messageId } = result as { messageId: string };
    expect(await inbox('carol')).toHaveLength(1);

    let carol = await rt.connect('carol');
    let synced = await carol.request({ action: 'sync' });
    expect(synced.result).toEqual({ delivered: 1, more: false });
    expect(carol.ofType('message').map((m) => m.id)).toEqual([messageId]);
    // The pushed messages arrive before the sync reply.
    expect(carol.frames.findIndex((f) => f.type === 'message')).toBeLessThan(
      carol.frames.findIndex((f) => f.type === 'reply'),
    );
    await carol.close();

    carol = await rt.connect('carol');
    synced = await carol.request({ action: 'sync' });
    expect(synced.result).toEqual({ delivered: 1, more: false });
    const acked = await carol.request({ action: 'ack', ids: [messageId, 'NOT-A-REAL-ID'] });
    expect(acked.result).toEqual({ acked: 1 });
    await carol.close();

    carol = await rt.connect('carol');
    synced = await carol.request({ action: 'sync' });
    expect(synced.result).toEqual({ delivered: 0, more: false });
    expect(carol.ofType('message')).toHaveLength(0);
    expect(await inbox('carol')).toHaveLength(0);
    await Promise.all([alice.close(), carol.close()]);
  });

  it('pushes the inbox oldest first and pages it with limit', async () => {
    const alice = await rt.connect('alice');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { result } = await alice.request({ action: 'send', to: 'dora', data: i });
      ids.push((result as { messageId: string }).messageId);
    }
    const dora = await rt.connect('dora');
    const first = await dora.request({ action: 'sync', limit: 3 });
    expect(first.result).toEqual({ delivered: 3, more: true });
    expect(dora.ofType('message').map((m) => m.data)).toEqual([0, 1, 2]);
    await dora.request({ action: 'ack', ids: ids.slice(0, 3) });
    const second = await dora.request({ action: 'sync', limit: 3 });
    expect(second.result).toEqual({ delivered: 2, more: false });
    expect(dora.ofType('message').map((m) => m.data)).toEqual([0, 1, 2, 3, 4]);
    await Promise.all([alice.close(), dora.close()]);
  });

  it('stores and delivers a retried send with the same id once, replying with the first messageId', async () => {
    const alice = await rt.connect('alice');
    const erin = await rt.connect('erin');
    const first = await alice.request({ action: 'send', to: 'erin', data: 'once', id: 'client-key-1' });
    const second = await alice.request({ action: 'send', to: 'erin', data: 'once', id: 'client-key-1' });
    expect(second.result).toEqual(first.result);
    await erin.waitFor((f) => f.type === 'message');
    await sleep(200);
    expect(erin.ofType('message')).toHaveLength(1);
    expect(await inbox('erin')).toHaveLength(1);
    // The key is per user: another sender with the same id sends a new message.
    const frank = await rt.connect('frank');
    const other = await frank.request({ action: 'send', to: 'erin', data: 'twice', id: 'client-key-1' });
    expect(other.result).not.toEqual(first.result);
    expect(await inbox('erin')).toHaveLength(2);
    await Promise.all([alice.close(), erin.close(), frank.close()]);
  });

  it('answers ping with pong, and with a reply when the ping has a ref', async () => {
    const alice = await rt.connect('alice');
    alice.send({ action: 'ping' });
    expect(await alice.waitFor((f) => f.type === 'pong')).toEqual({ type: 'pong', ts: expect.any(Number) });
    expect(await alice.request({ action: 'ping' })).toMatchObject({
      type: 'reply',
      result: { ts: expect.any(Number) },
    });
    await alice.close();
  });
});
