import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEnvelope, eventsOf, readEvents } from '../../helpers/bus.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api } from '../http/http-fixtures.ts';

let rt: TestRuntime;
const seen: BusEnvelope[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: { UNACKED_EVENT_SECONDS: '0' } });
});
afterAll(() => rt?.stop());

/** Reads the events queue until `count` events of `detailType` about `user` are in, then a second more. */
async function collect(detailType: string, user: string, count: number): Promise<BusEnvelope[]> {
  await readEvents(rt, (s) => eventsOf(s, detailType, user).length >= count, 10_000, seen);
  // Anything past the expected count would be a duplicate: give it a moment to show.
  await readEvents(rt, () => false, 1000, seen);
  return eventsOf(seen, detailType, user);
}

describe('The event bus', () => {
  it('puts message.sent once for a stored direct message, with source wavelet and the documented detail', async () => {
    const alice = await rt.connect('dt-alice');
    const reply = await alice.request({ action: 'send', to: 'dt-bob', data: { text: 'hi' } });
    const { messageId, ts } = reply.result as { messageId: string; ts: number };
    const sent = await collect('message.sent', 'dt-alice', 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.source).toBe('wavelet');
    expect(sent[0]?.detail).toEqual({
      id: messageId,
      from: 'dt-alice',
      to: 'dt-bob',
      data: { text: 'hi' },
      ts,
    });
    await alice.close();
  });

  it('puts connection.opened and presence.changed online when a user connects, and closed and offline when the last connection goes', async () => {
    const first = await rt.connect('dt-carol');
    const second = await rt.connect('dt-carol', '&device=phone');
    const opened = await collect('connection.opened', 'dt-carol', 2);
    expect(opened.map((e) => e.detail.device).sort()).toEqual(['phone', undefined].sort());
    expect(
      opened.every((e) => typeof e.detail.connectionId === 'string' && typeof e.detail.ts === 'number'),
    ).toBe(true);
    await first.close();
    await readEvents(rt, (s) => eventsOf(s, 'connection.closed', 'dt-carol').length >= 1, 10_000, seen);
    // Another connection is still there: not offline yet.
    expect(eventsOf(seen, 'presence.changed', 'dt-carol').map((e) => e.detail.status)).toEqual(['online']);
    await second.close();
    const closed = await collect('connection.closed', 'dt-carol', 2);
    expect(closed.map((e) => e.detail.reason)).toEqual(['disconnect', 'disconnect']);
    const presence = await collect('presence.changed', 'dt-carol', 2);
    expect(presence.map((e) => e.detail.status)).toEqual(['online', 'offline']);
  });

  it('puts presence.changed for a chosen status', async () => {
    const dave = await rt.connect('dt-dave');
    await dave.request({ action: 'status', status: 'away' });
    const presence = await collect('presence.changed', 'dt-dave', 2);
    expect(presence.map((e) => e.detail.status)).toEqual(['online', 'away']);
    await dave.close();
  });

  it('puts room.created and member.added for a room a join creates, and message.published for a publish', async () => {
    const erin = await rt.connect('dt-erin');
    await erin.request({ action: 'join', room: 'dt-room' });
    const reply = await erin.request({ action: 'publish', room: 'dt-room', data: 'hello' });
    const { messageId, seq, ts } = reply.result as { messageId: string; seq: number; ts: number };
    const [created] = await collect('room.created', 'dt-erin', 1);
    expect(created?.detail).toMatchObject({ room: 'dt-room', by: 'dt-erin' });
    const [added] = await collect('member.added', 'dt-erin', 1);
    expect(added?.detail).toMatchObject({ room: 'dt-room', user: 'dt-erin', by: 'dt-erin' });
    const published = await collect('message.published', 'dt-erin', 1);
    expect(published).toHaveLength(1);
    expect(published[0]?.detail).toEqual({
      id: messageId,
      room: 'dt-room',
      seq,
      from: 'dt-erin',
      data: 'hello',
      ts,
    });
    // A second join changes nothing: no second event.
    await erin.request({ action: 'join', room: 'dt-room' });
    expect(await collect('member.added', 'dt-erin', 1)).toHaveLength(1);
    await erin.close();
  });

  it('puts message.published with replyTo for a reply', async () => {
    const fern = await rt.connect('dt-fern');
    await fern.request({ action: 'join', room: 'dt-thread' });
    await fern.request({ action: 'publish', room: 'dt-thread', data: 'parent' });
    const reply = await fern.request({ action: 'publish', room: 'dt-thread', data: 'child', replyTo: 1 });
    const { messageId, seq, ts } = reply.result as { messageId: string; seq: number; ts: number };
    const published = await collect('message.published', 'dt-fern', 2);
    expect(published.map((e) => e.detail)).toContainEqual({
      id: messageId,
      room: 'dt-thread',
      seq,
      from: 'dt-fern',
      data: 'child',
      replyTo: 1,
      ts,
    });
    await fern.close();
  });

  it('puts room.created, member.added, member.removed and room.deleted for the HTTP room routes', async () => {
    const created = await api(rt, 'POST', '/rooms', {
      as: 'dt-owner',
      body: { id: 'dt-http', name: 'x', type: 'public' },
    });
    expect(created.status).toBe(201);
    expect((await api(rt, 'PUT', '/rooms/dt-http/members/dt-gus', { as: 'dt-owner' })).status).toBeLessThan(
      300,
    );
    expect(
      (await api(rt, 'DELETE', '/rooms/dt-http/members/dt-gus', { as: 'dt-owner' })).status,
    ).toBeLessThan(300);
    expect((await api(rt, 'DELETE', '/rooms/dt-http', { as: 'dt-owner' })).status).toBeLessThan(300);
    expect((await collect('room.created', 'dt-owner', 1)).map((e) => e.detail.room)).toEqual(['dt-http']);
    expect((await collect('member.added', 'dt-gus', 1))[0]?.detail).toMatchObject({
      user: 'dt-gus',
      by: 'dt-owner',
    });
    expect((await collect('member.removed', 'dt-gus', 1))[0]?.detail).toMatchObject({
      user: 'dt-gus',
      by: 'dt-owner',
    });
    expect((await collect('room.deleted', 'dt-owner', 1))[0]?.detail).toMatchObject({
      room: 'dt-http',
      by: 'dt-owner',
    });
  });

  it('gives every event a detail id, unique per state change', () => {
    const ids = seen.map((e) => e.detail.id);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
