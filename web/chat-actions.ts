import { WaveletError } from '../client/index.ts';
import { type Attachments, sizeText } from './attachments.ts';
import type { ChatApp } from './chat-app.ts';
import type { Conversation } from './chat-model.ts';
import { deleteQuestion, notDeleted } from './chat-moderation.ts';
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
 * settle on the reply. On room messages: react, reply in a thread, edit and delete one's own
 * (and, as the room's owner or an admin, delete others', once confirmed); attach a file to a send.
 */
export function bindActions(
  app: ChatApp,
  session: Session,
  api: HttpApi,
  notify: (text: string) => void,
  attachments: Attachments,
) {
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

  // One file at a time, uploaded when the message is sent (the server refuses a type or size it
  // does not take with a message, shown as the send's failure).
  const attach = field(composer, 'file');
  const attached = byId('attached');
  const showAttached = () => {
    const file = attach.files?.[0];
    attached.hidden = !file;
    attached.textContent = file ? `${file.name} (${sizeText(file.size)})` : '';
  };
  attach.addEventListener('change', showAttached);

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const c = model.current;
    const text = input.value;
    const file = attach.files?.[0];
    if (!c || (!text.trim() && !file)) return;
    input.value = '';
    attach.value = '';
    showAttached();
    stopTyping();
    // The idempotency key makes a send retried across a reconnect land once.
    const id = crypto.randomUUID();
    const pendingId = `pending:${id}`;
    c.add({ id: pendingId, from: model.me, text: text || `${file?.name}…`, ts: Date.now(), pending: true });
    model.changed();
    const sent = (file ? client.upload(file) : Promise.resolve(undefined)).then((fileId) => {
      const options = { id, files: fileId ? [fileId] : undefined };
      return c.kind === 'room'
        ? client.publish(c.id, { text }, options).then((r) => {
            c.settle(pendingId, { id: r.messageId, from: model.me, text, ts: r.ts, seq: r.seq });
            if (app.model.current === c) app.markRead();
            app.readOwn(c, r.seq);
          })
        : client.send(c.id, { text }, options).then((r) => {
            const files =
              file && fileId
                ? [{ id: fileId, name: file.name, contentType: file.type, size: file.size }]
                : undefined;
            c.settle(pendingId, { id: r.messageId, from: model.me, text, ts: r.ts, files });
          });
    });
    sent
      .catch((error: Error) => {
        c.remove(pendingId);
        input.value ||= text;
        notify(notSent(error, c.id));
      })
      .finally(() => model.changed());
  });

  // A room message's buttons (react, reply, edit, delete) and file links, in the conversation
  // and in the thread pane; the edit box saves on Enter and gives up on Escape.
  const onLineClick = (event: MouseEvent) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const c = model.current;
    if (!target) return;
    if (target.dataset.action === 'download') {
      event.preventDefault();
      attachments.download(target.dataset.file ?? '').catch(fail('download'));
      return;
    }
    const seq = Number(target.closest('[data-seq]')?.getAttribute('data-seq'));
    if (c?.kind !== 'room' || !Number.isInteger(seq)) return;
    runLineAction(c, seq, target);
  };
  const runLineAction = (c: Conversation, seq: number, target: HTMLElement) => {
    const line = c.lines.find((l) => l.seq === seq) ?? model.thread?.lines.find((l) => l.seq === seq);
    switch (target.dataset.action) {
      case 'react':
        app.toggleReaction(c, seq, target.dataset.reaction ?? '').catch(fail('react'));
        break;
      case 'reply':
        app.openThread(c.id, seq).catch(fail('thread'));
        break;
      case 'edit':
        model.editing = { room: c.id, seq, draft: line?.text ?? '', base: line?.text ?? '' };
        model.changed();
        requestAnimationFrame(() => {
          // The caret at the end, where a person goes on typing.
          const box = document.querySelector<HTMLInputElement>('input.edit');
          box?.focus();
          box?.setSelectionRange(box.value.length, box.value.length);
        });
        break;
      case 'delete': {
        // Someone else's message (as the owner or an admin) is deleted only once confirmed.
        const question = deleteQuestion(model, line);
        if (question && !confirm(question)) break;
        client.delete(c.id, seq).catch((error: Error) => notify(notDeleted(error)));
        break;
      }
    }
  };
  const onEditKey = (event: KeyboardEvent) => {
    const box = event.target as HTMLElement;
    const editing = model.editing;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains('edit') || !editing) return;
    if (event.key === 'Escape') {
      model.editing = undefined;
      model.changed();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const text = box.value;
      const lines = [...(model.current?.lines ?? []), ...(model.thread?.lines ?? [])];
      const before = lines.find((l) => l.seq === editing.seq)?.text;
      model.editing = undefined;
      model.changed();
      // An empty or unchanged text saves nothing (an edit would mark it "(edited)" for nothing).
      if (text.trim() && text !== before)
        client.edit(editing.room, editing.seq, { text }).catch(fail('edit'));
    }
  };
  const onEditInput = (event: Event) => {
    const box = event.target as HTMLElement;
    if (box instanceof HTMLInputElement && box.classList.contains('edit') && model.editing)
      model.editing.draft = box.value;
  };
  for (const list of [byId('messages'), byId('thread-parent'), byId('thread-messages')]) {
    list.addEventListener('click', onLineClick);
    list.addEventListener('keydown', onEditKey);
    list.addEventListener('input', onEditInput);
  }

  byId('thread-close').addEventListener('click', () => app.closeThread());
  const threadComposer = byId<HTMLFormElement>('thread-composer');
  const threadInput = field(threadComposer, 'text');
  threadComposer.addEventListener('submit', (event) => {
    event.preventDefault();
    const thread = model.thread;
    const text = threadInput.value;
    if (!thread || !text.trim()) return;
    threadInput.value = '';
    client.reply(thread.room, thread.seq, { text }).catch((error: Error) => {
      threadInput.value ||= text;
      notify(notSent(error, thread.room));
    });
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
