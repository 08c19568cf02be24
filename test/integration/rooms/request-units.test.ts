import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynamoDb } from '../../../local/dynamodb/index.ts';
import { type DynamoDbMeter, startDynamoDbMeter } from '../../../tools/bench/dynamodb-meter.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { TestSocket } from '../../helpers/socket.ts';
import { ok, roomsEnv } from './room-fixtures.ts';

/**
 * The DynamoDB calls of room frames, counted by the bench's metering proxy in front of the
 * local DynamoDB: what a frame costs is the calls it makes, and these hold the ones that the
 * subscriber list (read for the event anyway) makes unnecessary.
 */
let dynamodb: LocalDynamoDb;
let meter: DynamoDbMeter;
let rt: TestRuntime;

beforeAll(async () => {
  dynamodb = await startDynamoDb({ port: 0 });
  meter = await startDynamoDbMeter(dynamodb.endpoint);
  rt = await startTestRuntime({ functionEnv: roomsEnv, external: { dynamodb: meter.endpoint } });
});
afterAll(async () => {
  await rt?.stop();
  await meter?.close();
  await dynamodb?.close();
});

/** The calls per DynamoDB operation that `action` made, once `settled` says its effects arrived. */
async function callsOf(action: () => Promise<unknown>, settled: () => Promise<unknown>) {
  meter.take();
  await action();
  await settled();
  return Object.fromEntries(Object.entries(meter.take()).map(([name, m]) => [name, m.calls]));
}

async function roomOfThree(roomId: string): Promise<TestSocket[]> {
  const sockets = await Promise.all([rt.connect('own'), rt.connect('mem'), rt.connect('mem')]);
  for (const socket of sockets) await ok(socket, { action: 'join', room: roomId });
  return sockets;
}

describe('Rooms: DynamoDB calls per frame', () => {
  it('reads the room and one subscriber page for typing, not the typist’s subscription besides', async () => {
    const [owner, typist, otherTab] = await roomOfThree('typing-units');
    const calls = await callsOf(
      () => ok(typist as TestSocket, { action: 'typing', room: 'typing-units', state: 'start' }),
      () => Promise.all([owner, otherTab].map((s) => (s as TestSocket).waitFor((f) => f.event === 'typing'))),
    );
    // The frame-budget count, the room, the subscribers.
    expect(calls).toEqual({ UpdateItem: 1, GetItem: 1, Query: 1 });
    for (const s of [owner, typist, otherTab]) await (s as TestSocket).close();
  });

  it('reads no membership for a read receipt from a subscriber of a public room', async () => {
    const [owner, reader, otherTab] = await roomOfThree('read-units');
    const { seq } = await ok(owner as TestSocket, { action: 'publish', room: 'read-units', data: 'hi' });
    await (reader as TestSocket).waitFor((f) => f.type === 'message' && f.seq === seq);
    const calls = await callsOf(
      () => ok(reader as TestSocket, { action: 'read', room: 'read-units', upTo: seq }),
      () => Promise.all([owner, otherTab].map((s) => (s as TestSocket).waitFor((f) => f.event === 'read'))),
    );
    // UpdateItem: the frame-budget count and the cursor; GetItem: the room; Query: the
    // subscribers and the head of the history.
    expect(calls).toEqual({ UpdateItem: 2, GetItem: 1, Query: 2 });
    for (const s of [owner, reader, otherTab]) await (s as TestSocket).close();
  });
});
