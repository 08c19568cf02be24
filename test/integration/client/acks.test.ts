import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageFrame, WaveletClientOptions } from '../../../client/index.ts';
import { countingWebSocket, newFrameLog } from '../../../tools/bench/counting-socket.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { clientEnv, clientFor, eventually } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

const inboxMessages = async (user: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, `INBOX#${user}`)).filter((item) =>
    String(item.sk).startsWith('MSG#'),
  );

function recordingClient(user: string, options: Partial<WaveletClientOptions> = {}) {
  const log = newFrameLog();
  const { client } = clientFor(rt, user, { WebSocket: countingWebSocket(log), ...options });
  const messages: MessageFrame[] = [];
  client.on('message', (m) => messages.push(m));
  return { client, log, messages };
}

describe("The SDK's automatic acks, on a real socket", () => {
  it('acknowledges several deliveries with one ack frame without ref, sent on close, and the inbox empties', {
    timeout: 30_000,
  }, async () => {
    const bob = recordingClient('acks-bob', { ackDelayMs: 600_000 });
    await bob.client.connect();
    const alice = clientFor(rt, 'acks-alice').client;
    await alice.connect();
    for (let i = 0; i < 3; i++) await alice.send('acks-bob', { i });
    await eventually(() => bob.messages.length === 3, 10_000, 'three deliveries');
    expect(await inboxMessages('acks-bob')).toHaveLength(3);
    await bob.client.close();
    const acks = bob.log.sent.filter((f) => f.action === 'ack');
    expect(acks).toEqual([{ action: 'ack', ids: bob.messages.map((m) => m.id) }]);
    const deadline = Date.now() + 10_000;
    while ((await inboxMessages('acks-bob')).length > 0 && Date.now() < deadline) await sleep(50);
    expect(await inboxMessages('acks-bob')).toEqual([]);
    await alice.close();
  });

  it('gets no reply to its ack frames', { timeout: 30_000 }, async () => {
    const bob = recordingClient('acks-carol', { ackDelayMs: 100 });
    await bob.client.connect();
    const alice = clientFor(rt, 'acks-dave').client;
    await alice.connect();
    await alice.send('acks-carol', { hello: true });
    await eventually(() => bob.messages.length === 1, 10_000, 'the delivery');
    const deadline = Date.now() + 10_000;
    while ((await inboxMessages('acks-carol')).length > 0 && Date.now() < deadline) await sleep(50);
    expect(await inboxMessages('acks-carol')).toEqual([]);
    await bob.client.ping(); // answered after the ack was handled: a reply to it would be here by now
    const acks = bob.log.sent.filter((f) => f.action === 'ack');
    expect(acks).toHaveLength(1);
    expect(acks[0] as object).not.toHaveProperty('ref');
    const refs = new Set<unknown>(bob.log.sent.map((f) => f.ref).filter((ref) => ref !== undefined));
    const answers = bob.log.received.filter((f) => f.type === 'reply' || f.type === 'error');
    // Every reply or error answers a frame that carried a ref (sync, ping), none an ack.
    expect(answers.every((f) => refs.has(f.ref))).toBe(true);
    expect(answers).toHaveLength(refs.size);
    await bob.client.close();
    await alice.close();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
