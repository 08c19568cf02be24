import { WaveletError } from '../client/index.ts';
import type { ChatApp } from './chat-app.ts';
import { byId, field } from './dom.ts';
import type { HttpApi } from './http-api.ts';
import type { Session } from './session.ts';

/** A `typing start` is repeated at most this often while the user keeps typing. */
const typingRepeatMs = 3000;
/** Quiet this long after the last keystroke sends `typing stop`. */
const typingIdleMs = 4000;

/**
 * What the user does: join or create a room, start a direct conversation, write (with typing
 * indicators), set a status, page back through history, go back to the list on a phone, sign
 * out. Sends show at once as pending lines; the SDK queues them while reconnecting and they
 * settle on the reply.
 */
export function bindActions(app: ChatApp, session: Session, api: HttpApi, notify: (text: string) => void) {
  const { client, model } = app;
  const fail = (what: string) => (error: Error) => notify(`${what}: ${error.message}`);

  const joinForm = byId<HTMLFormElement>('join-room');
  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const room = field(joinForm, 'room').value.trim();
    const isPrivate = field(joinForm, 'private').checked;
    (async () => {
      // Joining a name that does not exist creates a public room; a private one is made first.
      if (isPrivate) await api.createRoom(await session.token(), { id: room, name: room, type: 'private' });
      const c = await app.joinRoom(room);
      joinForm.reset();
      await app.open(c);
    })().catch(fail(`join ${room}`));
  });

  const dmForm = byId<HTMLFormElement>('start-dm');
  dmForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = field(dmForm, 'user').value.trim();
    if (!user) return;
    dmForm.reset();
    app.open(model.get('dm', user)).catch(fail('open'));
  });

  const composer = byId<HTMLFormElement>('composer');
  const input = field(composer, 'text');
  let typingRoom: string | undefined;
  let typingSentAt = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stopTyping = () => {
    clearTimeout(idle);
    if (typingRoom !== undefined && client.state === 'open') client.typing(typingRoom, 'stop');
    typingRoom = undefined;
    typingSentAt = 0;
  };
  input.addEventListener('input', () => {
    const c = model.current;
    if (c?.kind !== 'room' || client.state !== 'open') return;
    if (typingRoom !== c.id) stopTyping();
    if (Date.now() - typingSentAt > typingRepeatMs) {
      client.typing(c.id, 'start');
      typingRoom = c.id;
      typingSentAt = Date.now();
    }
    clearTimeout(idle);
    idle = setTimeout(stopTyping, typingIdleMs);
  });

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const c = model.current;
    const text = input.value;
    if (!c || !text.trim()) return;
    input.value = '';
    stopTyping();
    // The idempotency key makes a send retried across a reconnect land once.
    const id = crypto.randomUUID();
    const pendingId = `pending:${id}`;
    c.add({ id: pendingId, from: model.me, text, ts: Date.now(), pending: true });
    model.changed();
    const sent =
      c.kind === 'room'
        ? client.publish(c.id, { text }, { id }).then((r) => {
            c.settle(pendingId, { id: r.messageId, from: model.me, text, ts: r.ts, seq: r.seq });
            if (app.model.current === c) app.markRead();
            app.readOwn(c, r.seq);
          })
        : client.send(c.id, { text }, { id }).then((r) => {
            c.settle(pendingId, { id: r.messageId, from: model.me, text, ts: r.ts });
          });
    sent
      .catch((error: Error) => {
        c.remove(pendingId);
        input.value ||= text;
        notify(notSent(error, c.id));
      })
      .finally(() => model.changed());
  });

  // Block or unblock the person of the open direct conversation, or unblock from the list.
  const blockToggle = byId<HTMLButtonElement>('block-toggle');
  blockToggle.addEventListener('click', () => {
    const user = blockToggle.dataset.user;
    if (!user) return;
    const change = model.blocked.has(user) ? app.unblock(user) : app.block(user);
    change.catch(fail(model.blocked.has(user) ? 'unblock' : 'block'));
  });
  byId('blocked').addEventListener('click', (event) => {
    const user = (event.target as HTMLElement).closest('button')?.dataset.unblock;
    if (user) app.unblock(user).catch(fail('unblock'));
  });

  // The server announces the change to the user's rooms; `who` shows it to newcomers.
  const status = byId<HTMLSelectElement>('status');
  status.hidden = false;
  status.addEventListener('change', () => {
    const chosen = status.value as 'online' | 'away' | 'busy';
    client.setStatus(chosen).then(() => {
      for (const c of model.list('room')) if (c.online.has(model.me)) c.online.set(model.me, chosen);
      app.showStatus(chosen);
    }, fail('status'));
  });

  byId('older').addEventListener('click', () => {
    const c = model.current;
    if (c?.kind === 'room' && c.olderBefore !== null)
      app.loadHistory(c, c.olderBefore).catch(fail('history'));
  });

  byId('back').addEventListener('click', () => {
    model.current = undefined;
    model.changed();
  });

  const signOut = byId<HTMLButtonElement>('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', () => {
    session.signOut();
    client.close().finally(() => location.reload());
  });
}

/**
 * What the user reads when a message is not sent. `REJECTED` carries the reason moderation or the
 * publish hook gave, written for the sender: it is shown as it is, and the text stays in the box
 * to be edited.
 */
function notSent(error: Error, to: string): string {
  if (error instanceof WaveletError && error.code === 'INBOX_FULL')
    return `Not sent: ${to} has not read your earlier messages yet. Try again once they have.`;
  if (error instanceof WaveletError && error.code === 'REJECTED') return `Not sent: ${error.message}`;
  return `not sent: ${error.message}`;
}
