import { describe, expect, it } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import {
  isAdmin,
  requireAdmin,
  requireMember,
  requireMembershipRemover,
  requireOnlineListReader,
  requireParticipant,
  requireReader,
  requireRoom,
  requireRoomManager,
  requireTypist,
} from '../../../lambdas/core/services/access-policy.ts';
import type { Room } from '../../../lambdas/core/store/rooms.ts';
import { testConfig } from '../../helpers/config.ts';

const room = (type: Room['type']): Room => ({
  roomId: type,
  name: type,
  type,
  owner: 'olive',
  maxMembers: 0,
  memberCount: 2,
  epoch: 1,
  createdAt: 0,
});

/** A table with one member (`mia`) in every room and one subscribed connection (`sub-conn`). */
function tableDeps(): TableDeps {
  const farFuture = Math.floor(Date.now() / 1000) + 3600;
  return {
    config: testConfig(),
    now: Date.now,
    db: {
      send: async (command: { input: { Key?: { pk: string; sk: string } } }) => {
        const { pk = '', sk = '' } = command.input.Key ?? {};
        if (sk === 'META' && (pk === 'ROOM#public' || pk === 'ROOM#private')) {
          const type = pk.slice('ROOM#'.length) as Room['type'];
          return { Item: { ...room(type), roomType: type } };
        }
        if (sk === 'MEMBER#mia') return { Item: { userId: 'mia', role: 'member', joinedAt: 0 } };
        if (sk === 'CONN#sub-conn') return { Item: { expiresAt: farFuture } };
        return {};
      },
    },
  } as unknown as TableDeps;
}

const who = (userId: string, roles: string[] = [], connectionId = 'conn') => ({
  userId,
  roles,
  connectionId,
});
const deps = tableDeps();

describe('Module: access-policy', () => {
  it('knows admins by their role', () => {
    expect(isAdmin(who('ann', ['admin']))).toBe(true);
    expect(isAdmin(who('ann'))).toBe(false);
    expect(() => requireAdmin(who('ann'))).toThrow('This operation needs the admin role');
  });

  it('answers NOT_FOUND for a room that does not exist', async () => {
    await expect(requireRoom(deps, 'nowhere')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Room "nowhere" does not exist',
    });
  });

  it('lets the owner and admins manage a room, and a member remove only themselves', () => {
    expect(() => requireRoomManager(room('public'), who('olive'))).not.toThrow();
    expect(() => requireRoomManager(room('public'), who('ann', ['admin']))).not.toThrow();
    expect(() => requireRoomManager(room('public'), who('mia'))).toThrow(
      'Only the owner of room "public" or an admin may do this',
    );
    expect(() => requireMembershipRemover(room('public'), who('mia'), 'mia')).not.toThrow();
    expect(() => requireMembershipRemover(room('public'), who('mia'), 'max')).toThrow(/Only the owner/);
  });

  it('opens a public room to every reader and a private one to members, the owner and admins', async () => {
    await expect(requireReader(deps, room('public'), who('max'))).resolves.toBeUndefined();
    for (const reader of [who('mia'), who('olive'), who('ann', ['admin'])]) {
      await expect(requireReader(deps, room('private'), reader)).resolves.toBeUndefined();
    }
    await expect(requireReader(deps, room('private'), who('max'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Room "private" is private and you are not a member',
    });
  });

  it('lets members and subscribers of a public room publish, and refuses everyone else', async () => {
    await expect(requireParticipant(deps, room('public'), who('mia'))).resolves.toBeUndefined();
    await expect(
      requireParticipant(deps, room('public'), who('max', [], 'sub-conn')),
    ).resolves.toBeUndefined();
    await expect(requireParticipant(deps, room('public'), who('max'))).rejects.toThrow(
      'Join room "public" first',
    );
    await expect(requireParticipant(deps, room('private'), who('max', [], 'sub-conn'))).rejects.toThrow(
      'Room "private" is private and you are not a member',
    );
  });

  it('lets only a subscribed connection type', async () => {
    await expect(requireTypist(deps, room('public'), who('max', [], 'sub-conn'))).resolves.toBeUndefined();
    await expect(requireTypist(deps, room('public'), who('olive'))).rejects.toThrow(
      'Join room "public" before typing in it',
    );
  });

  it('takes a subscriber list read by the caller for the subscription, and reads none itself', async () => {
    const reads: string[] = [];
    const counting = {
      ...deps,
      db: {
        send: (command: { input: { Key?: { sk: string } } }) => {
          reads.push(command.input.Key?.sk ?? '');
          return deps.db.send(command as never);
        },
      },
    } as unknown as TableDeps;
    const listed = [{ connectionId: 'listed-conn', userId: 'max' }];
    await expect(
      requireParticipant(counting, room('public'), who('max', [], 'listed-conn'), listed),
    ).resolves.toBeUndefined();
    await expect(
      requireTypist(counting, room('public'), who('max', [], 'listed-conn'), listed),
    ).resolves.toBeUndefined();
    expect(reads).toEqual([]);
    // Not in the list: a public room still admits a member (one read), and nobody else.
    await expect(requireParticipant(counting, room('public'), who('mia'), listed)).resolves.toBeUndefined();
    await expect(
      requireParticipant(counting, room('public'), who('max', [], 'sub-conn'), listed),
    ).rejects.toThrow('Join room "public" first');
    await expect(requireTypist(counting, room('public'), who('max', [], 'sub-conn'), listed)).rejects.toThrow(
      'Join room "public" before typing in it',
    );
    // A listed subscriber of a private room is no participant.
    await expect(
      requireParticipant(counting, room('private'), who('max', [], 'listed-conn'), listed),
    ).rejects.toThrow('Room "private" is private and you are not a member');
    expect(reads).toEqual(['MEMBER#mia', 'MEMBER#max', 'MEMBER#max']);
  });

  it('answers who is online in a private room to its members only, with its own messages', async () => {
    await expect(requireOnlineListReader(deps, 'private', who('mia'))).resolves.toMatchObject({
      type: 'private',
    });
    await expect(requireOnlineListReader(deps, 'private', who('max'))).rejects.toThrow(
      'Room private is private',
    );
    await expect(requireOnlineListReader(deps, 'nowhere', who('max'))).rejects.toThrow(
      'Room nowhere does not exist',
    );
  });

  it('keeps the HTTP member views to members and admins, public settings open to all', async () => {
    const open = { publicRoomsOpen: true };
    const closed = { publicRoomsOpen: false };
    await expect(requireMember(deps, room('public'), who('max'), open)).resolves.toBeUndefined();
    await expect(requireMember(deps, room('public'), who('mia'), closed)).resolves.toBeUndefined();
    await expect(requireMember(deps, room('public'), who('ann', ['admin']), closed)).resolves.toBeUndefined();
    await expect(requireMember(deps, room('public'), who('max'), closed)).rejects.toThrow(
      'You are not a member of room "public"',
    );
  });
});
