import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEnvelope, eventsOf, readEvents } from '../../helpers/bus.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { ok } from '../rooms/room-fixtures.ts';

let rt: TestRuntime;
const seen: BusEnvelope[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

describe('The event bus: room message lifecycle', () => {
  it('puts message.published for an edit and a reaction, with kind and target', async () => {
    const ivy = await rt.connect('lc-ivy');
    await ok(ivy, { action: 'join', room: 'lc-room' });
    const { seq: first } = await ok(ivy, { action: 'publish', room: 'lc-room', data: 'helo' });
    const { seq: edited } = await ok(ivy, { action: 'edit', room: 'lc-room', seq: first, data: 'hello' });
    const { seq: reacted } = await ok(ivy, { action: 'react', room: 'lc-room', seq: first, reaction: '🎉' });
    await readEvents(rt, (s) => eventsOf(s, 'message.published', 'lc-ivy').length >= 3, 10_000, seen);
    await readEvents(rt, () => false, 1000, seen);
    const details = eventsOf(seen, 'message.published', 'lc-ivy').map((e) => e.detail);
    expect(details).toHaveLength(3);
    expect(details.find((d) => d.seq === edited)).toEqual({
      id: expect.any(String),
      room: 'lc-room',
      seq: edited,
      from: 'lc-ivy',
      data: 'hello',
      kind: 'edit',
      target: first,
      ts: expect.any(Number),
    });
    expect(details.find((d) => d.seq === reacted)).toMatchObject({
      kind: 'reaction',
      target: first,
      reaction: '🎉',
      on: true,
      data: null,
    });
    await ivy.close();
  });
});
