import { describe, expect, it } from 'vitest';
import { WaveletError } from '../../../client/index.ts';
import { ChatModel } from '../../../web/chat-model.ts';
import { canDelete, deleteQuestion, notDeleted, rolesOf } from '../../../web/chat-moderation.ts';

/** An unsigned JWT whose payload is `claims` (the page never checks a signature). */
const tokenWith = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;
const line = (from: string) => ({ id: `m-${from}`, from, text: 'hi', ts: 1, seq: 1 });

describe('Function: rolesOf', () => {
  it('reads roles given as an array or as one string separated by spaces', () => {
    expect(rolesOf(tokenWith({ sub: 'root', roles: ['admin', 'ops'] }))).toEqual(['admin', 'ops']);
    expect(rolesOf(tokenWith({ sub: 'root', roles: 'ops  admin' }))).toEqual(['ops', 'admin']);
  });

  it('finds no roles in a token without the claim or that is not a JWT', () => {
    expect(rolesOf(tokenWith({ sub: 'ann' }))).toEqual([]);
    expect(rolesOf(tokenWith({ sub: 'ann', roles: [1, 'x,admin'] }))).toEqual(['x,admin']);
    expect(rolesOf('not a token')).toEqual([]);
  });
});

describe('Function: canDelete', () => {
  it('offers delete on own room messages only, to a member', () => {
    const model = new ChatModel('ann');
    const room = model.get('room', 'crew');
    room.owner = 'olga';
    expect(canDelete(model, room, line('ann'))).toBe(true);
    expect(canDelete(model, room, line('max'))).toBe(false);
    expect(canDelete(model, model.get('dm', 'max'), line('ann'))).toBe(false);
  });

  it('offers delete on anyone’s to the room’s owner and to an admin', () => {
    const owner = new ChatModel('olga');
    const room = owner.get('room', 'crew');
    room.owner = 'olga';
    expect(canDelete(owner, room, line('max'))).toBe(true);
    const admin = new ChatModel('root');
    admin.admin = true;
    expect(canDelete(admin, admin.get('room', 'crew'), line('max'))).toBe(true);
  });
});

describe('Function: deleteQuestion', () => {
  it('asks before deleting someone else’s message, not one’s own', () => {
    const model = new ChatModel('olga');
    expect(deleteQuestion(model, line('max'))).toBe("Delete max's message?");
    expect(deleteQuestion(model, line('olga'))).toBeUndefined();
  });
});

describe('Function: notDeleted', () => {
  it('says in words why the server refused the delete', () => {
    expect(notDeleted(new WaveletError('FORBIDDEN', 'delete: not allowed'))).toBe(
      'Not deleted: only its author, the room’s owner or an admin can delete this message.',
    );
    expect(notDeleted(new WaveletError('NOT_FOUND', 'no such message'))).toBe(
      'Not deleted: the message is already deleted or gone.',
    );
    expect(notDeleted(new Error('socket closed'))).toBe('Not deleted: socket closed');
  });
});
