import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { TestSocket } from '../../helpers/socket.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { ok, roomEvents, roomMessages, roomsEnv, seedMember, seedRoom } from './room-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: roomsEnv });
});
afterAll(() => rt?.stop());

const item = async (pk: string, sk: string) =>
  (await itemsWithPrefix(rt.db, rt.endpoints.tableName, pk)).find((i) => i.pk === pk && i.sk === sk);

describe('Rooms: join and leave', () => {
  it('creates a missing room as a public room owned by the joiner', async () => {
    const alice = await rt.connect('alice');
    const result = await ok(alice, { action: 'join', room: 'lobby' });
    expect(result).toEqual({
      room: 'lobby',
      epoch: expect.any(Number),
      seq: 0,
      recovered: 0,
      complete: true,
    });
    expect(await item('ROOM#lobby', 'META')).toMatchObject({
      roomType: 'public',
      owner: 'alice',
      memberCount: 1,
    });
    expect(await item('ROOM#lobby', 'MEMBER#alice')).toMatchObject({ role: 'owner' });
    const subscriptions = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SUBS#lobby');
    expect(subscriptions).toEqual([expect.objectContaining({ roomId: 'lobby', userId: 'alice' })]);
    await alice.close();
  });

  it('makes the joiner of an existing public room a member, once, whatever the number of joins', async () => {
    const owner = await rt.connect('olga');
    await ok(owner, { action: 'join', room: 'plaza' });
    const bob = await rt.connect('bob');
    await ok(bob, { action: 'join', room: 'plaza' });
    await ok(bob, { action: 'join', room: 'plaza' });
    expect(await item('ROOM#plaza', 'MEMBER#bob')).toMatchObject({ role: 'member' });
    expect(await item('ROOM#plaza', 'META')).toMatchObject({ owner: 'olga', memberCount: 2 });
    await Promise.all([owner.close(), bob.close()]);
  });

  it('refuses a private room to a non-member and subscribes nothing', async () => {
    await seedRoom(rt, { roomId: 'vault', type: 'private', owner: 'olga' });
    const mallory = await rt.connect('mallory');
    const answer = await mallory.request({ action: 'join', room: 'vault' });
    expect(answer).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SUBS#vault')).toHaveLength(0);
    expect(await item('ROOM#vault', 'MEMBER#mallory')).toBeUndefined();
    expect(mallory.ws.readyState).toBe(mallory.ws.OPEN);
    await mallory.close();
  });

  it('lets a user into a private room once the owner has added them', async () => {
    await seedRoom(rt, { roomId: 'club', type: 'private', owner: 'olga' });
    const carol = await rt.connect('carol');
    expect(await carol.request({ action: 'join', room: 'club' })).toMatchObject({ code: 'FORBIDDEN' });
    await seedMember(rt, 'club', 'carol');
    expect(await ok(carol, { action: 'join', room: 'club' })).toMatchObject({ room: 'club', complete: true });
    const publisher = await rt.connect('olga');
    await seedMember(rt, 'club', 'olga');
    await ok(publisher, { action: 'publish', room: 'club', data: 'members only' });
    expect(await carol.waitFor((f) => f.type === 'message')).toMatchObject({
      room: 'club',
      data: 'members only',
    });
    await Promise.all([carol.close(), publisher.close()]);
  });

  it('lets the owner and an admin into a private room without making them members', async () => {
    await seedRoom(rt, { roomId: 'backstage', type: 'private', owner: 'olga' });
    const owner = await rt.connect('olga');
    expect(await ok(owner, { action: 'join', room: 'backstage' })).toMatchObject({ room: 'backstage' });
    expect(await item('ROOM#backstage', 'MEMBER#olga')).toBeUndefined();
    await owner.close();
    const admin = await TestSocket.open(
      `${rt.endpoints.websocket}?token=${await rt.token('root', ['admin'])}`,
    );
    expect(await ok(admin, { action: 'join', room: 'backstage' })).toMatchObject({ room: 'backstage' });
    expect(await item('ROOM#backstage', 'MEMBER#root')).toBeUndefined();
    await admin.close();
  });

  it('answers ROOM_FULL to the member past maxMembers, who then receives nothing', async () => {
    await seedRoom(rt, { roomId: 'duo', maxMembers: 2 });
    const [ann, ben, cid] = await Promise.all([rt.connect('ann'), rt.connect('ben'), rt.connect('cid')]);
    await ok(ann, { action: 'join', room: 'duo' });
    await ok(ben, { action: 'join', room: 'duo' });
    const refused = await cid.request({ action: 'join', room: 'duo' });
    expect(refused).toMatchObject({ type: 'error', code: 'ROOM_FULL', message: expect.any(String) });
    expect(await item('ROOM#duo', 'META')).toMatchObject({ memberCount: 2 });
    expect(await item('ROOM#duo', 'MEMBER#cid')).toBeUndefined();
    await ok(ann, { action: 'publish', room: 'duo', data: 'just us' });
    await ben.waitFor((f) => f.type === 'message');
    await ok(cid, { action: 'ping' });
    expect(roomMessages(cid, 'duo')).toHaveLength(0);
    // A member leaving for good frees the slot.
    await ok(ben, { action: 'leave', room: 'duo', member: false });
    expect(await ok(cid, { action: 'join', room: 'duo' })).toMatchObject({ room: 'duo' });
    await Promise.all([ann.close(), ben.close(), cid.close()]);
  });

  it('stops delivering to a connection that left, and keeps the membership unless member is false', async () => {
    const [dan, eve] = await Promise.all([rt.connect('dan'), rt.connect('eve')]);
    await ok(dan, { action: 'join', room: 'hall' });
    await ok(eve, { action: 'join', room: 'hall' });
    expect(await ok(eve, { action: 'leave', room: 'hall' })).toEqual({ room: 'hall' });
    expect(await item('ROOM#hall', 'MEMBER#eve')).toBeDefined();
    await ok(dan, { action: 'publish', room: 'hall', data: 'after eve left' });
    await ok(eve, { action: 'ping' });
    expect(roomMessages(eve, 'hall')).toHaveLength(0);
    expect(await ok(eve, { action: 'leave', room: 'hall', member: false })).toEqual({ room: 'hall' });
    expect(await item('ROOM#hall', 'MEMBER#eve')).toBeUndefined();
    await Promise.all([dan.close(), eve.close()]);
  });

  it('treats leaving a room one is not in, or one that does not exist, as done', async () => {
    const fay = await rt.connect('fay');
    expect(await ok(fay, { action: 'leave', room: 'hall' })).toEqual({ room: 'hall' });
    expect(await ok(fay, { action: 'leave', room: 'nowhere', member: false })).toEqual({ room: 'nowhere' });
    expect(await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'ROOM#nowhere')).toHaveLength(0);
    await fay.close();
  });
});

describe('Rooms: joined and left events', () => {
  it('announces a user joining and leaving to the other subscribers, not to the user', async () => {
    const gus = await rt.connect('gus');
    await ok(gus, { action: 'join', room: 'porch' });
    const hal = await rt.connect('hal');
    await ok(hal, { action: 'join', room: 'porch' });
    expect(await gus.waitFor((f) => f.type === 'event' && f.event === 'joined')).toEqual({
      type: 'event',
      event: 'joined',
      room: 'porch',
      user: 'hal',
      ts: expect.any(Number),
    });
    await ok(hal, { action: 'leave', room: 'porch' });
    expect(await gus.waitFor((f) => f.type === 'event' && f.event === 'left')).toEqual({
      type: 'event',
      event: 'left',
      room: 'porch',
      user: 'hal',
      ts: expect.any(Number),
    });
    expect(hal.ofType('event')).toHaveLength(0);
    await Promise.all([gus.close(), hal.close()]);
  });

  it('announces a user once across their connections: on the first join and the last leave', async () => {
    const ida = await rt.connect('ida');
    await ok(ida, { action: 'join', room: 'den' });
    const [phone, laptop] = await Promise.all([rt.connect('jon'), rt.connect('jon')]);
    await ok(phone, { action: 'join', room: 'den' });
    await ok(laptop, { action: 'join', room: 'den' });
    await ok(phone, { action: 'join', room: 'den' });
    await ok(phone, { action: 'leave', room: 'den' });
    await ok(laptop, { action: 'leave', room: 'den' });
    await ida.waitFor((f) => f.type === 'event' && f.event === 'left');
    await ok(ida, { action: 'ping' });
    expect(roomEvents(ida, 'den', 'joined').map((e) => e.user)).toEqual(['jon']);
    expect(roomEvents(ida, 'den', 'left').map((e) => e.user)).toEqual(['jon']);
    await Promise.all([ida.close(), phone.close(), laptop.close()]);
  });
});
