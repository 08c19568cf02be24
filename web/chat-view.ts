import type { FileRef } from '../protocol/server-frames.ts';
import { type Attachments, sizeText } from './attachments.ts';
import { type ChatLine, type ChatModel, type Conversation, reactionChoices } from './chat-model.ts';
import { canDelete } from './chat-moderation.ts';
import { byId, clock, el } from './dom.ts';

/** What an empty list says, pointing at the form under it. */
const emptyRooms = 'No rooms yet: join or create one below.';
const emptyDms = 'No conversations yet: message someone below.';
/** How close to the bottom (px) still counts as "reading the newest", so new lines scroll in. */
const stickyPx = 48;

/**
 * Draws the model: the conversation lists with unread badges, and the open conversation with its
 * lines, online users, read and typing lines. Redraws at most once per animation frame, however
 * many frames arrive; everything from users goes in as text (see dom.ts).
 */
export class ChatView {
  private scheduled = false;
  private shownKey: string | undefined;
  private readonly rooms = byId<HTMLUListElement>('rooms');
  private readonly dms = byId<HTMLUListElement>('dms');
  private readonly title = byId('title');
  private readonly online = byId<HTMLUListElement>('online');
  private readonly messages = byId<HTMLOListElement>('messages');
  private readonly seen = byId('seen');
  private readonly typing = byId('typing');
  private readonly composer = byId<HTMLFormElement>('composer');
  private readonly older = byId<HTMLButtonElement>('older');
  private readonly back = byId<HTMLButtonElement>('back');
  private readonly status = byId<HTMLSelectElement>('status');
  private readonly blocked = byId<HTMLUListElement>('blocked');
  private readonly blockToggle = byId<HTMLButtonElement>('block-toggle');
  private readonly thread = byId('thread');
  private readonly threadParent = byId('thread-parent');
  private readonly threadMessages = byId<HTMLOListElement>('thread-messages');

  constructor(
    private readonly model: ChatModel,
    private readonly open: (conversation: Conversation) => void,
    private readonly attachments: Attachments,
  ) {
    model.onChange(() => this.schedule());
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render(): void {
    this.renderList(this.rooms, this.model.list('room'), (c) => `# ${c.id}`, emptyRooms);
    this.renderList(this.dms, this.model.list('dm'), (c) => `@ ${c.id}`, emptyDms);
    // The edit box is drawn anew: keep its focus and caret across the redraw.
    const focused = document.activeElement;
    const wasEditing = focused instanceof HTMLInputElement && focused.classList.contains('edit');
    this.renderConversation(this.model.current);
    this.renderThread(this.model.current);
    if (wasEditing) {
      const input = document.querySelector<HTMLInputElement>('input.edit');
      input?.focus();
      input?.setSelectionRange(input.value.length, input.value.length);
    }
    this.renderBlocks(this.model.current);
    // Unread elsewhere shows in the tab's title and, on a phone, on the way back to the list.
    const elsewhere = [...this.model.conversations.values()]
      .filter((c) => c !== this.model.current)
      .reduce((sum, c) => sum + c.unread, 0);
    document.title = elsewhere > 0 ? `(${elsewhere}) wavelet chat` : 'wavelet chat';
    this.back.textContent = elsewhere > 0 ? `← ${elsewhere}` : '←';
    if (this.model.status) this.status.value = this.model.status;
  }

  /**
   * Each conversation's list item, kept across redraws. A click is a press and a release on the
   * same element: were the buttons made anew on each redraw, a frame arriving between the two
   * (another user leaving, a message elsewhere) would swallow the click, and the conversation
   * would not open.
   */
  private readonly listItems = new Map<
    string,
    { readonly item: HTMLLIElement; readonly button: HTMLButtonElement }
  >();

  private renderList(
    list: HTMLUListElement,
    conversations: Conversation[],
    label: (c: Conversation) => string,
    empty: string,
  ) {
    const items = conversations.map((c) => {
      let kept = this.listItems.get(c.key);
      if (!kept) {
        const button = el(
          'button',
          { attrs: { type: 'button', 'data-key': c.key } },
          el('span', { class: 'name', text: label(c) }),
          el('span', { class: 'badge' }),
        );
        button.addEventListener('click', () => this.open(c));
        kept = { item: el('li', {}, button), button };
        this.listItems.set(c.key, kept);
      }
      const { button } = kept;
      button.setAttribute('aria-current', String(c === this.model.current));
      const badge = button.querySelector('.badge');
      if (badge) {
        badge.textContent = c.unread > 0 ? String(c.unread) : '';
        if (c.unread > 0) badge.setAttribute('aria-label', `${c.unread} unread`);
        else badge.removeAttribute('aria-label');
      }
      return kept.item;
    });
    // Only a new or gone conversation moves nodes; the kept ones stay the same elements.
    const same = items.length === list.children.length && items.every((item, i) => list.children[i] === item);
    if (!same) list.replaceChildren(...items);
    if (conversations.length === 0) list.append(el('li', { class: 'system', text: empty }));
  }

  /** The blocked users, each with its Unblock button, and Block/Unblock on a direct conversation. */
  private renderBlocks(c: Conversation | undefined): void {
    const users = [...this.model.blocked].sort();
    this.blocked.replaceChildren(
      ...users.map((user) =>
        el(
          'li',
          { attrs: { 'data-user': user } },
          el('span', { class: 'name', text: user }),
          el('button', { text: 'Unblock', attrs: { type: 'button', 'data-unblock': user } }),
        ),
      ),
    );
    if (users.length === 0) this.blocked.append(el('li', { class: 'system', text: 'Nobody.' }));
    // Only people can be blocked: a notification's sender is a service, never a user.
    const person = c?.kind === 'dm' && !c.lines.some((l) => l.notification);
    this.blockToggle.hidden = !person;
    if (!person) return;
    const isBlocked = this.model.blocked.has(c.id);
    this.blockToggle.textContent = isBlocked ? 'Unblock' : 'Block';
    this.blockToggle.dataset.user = c.id;
    this.blockToggle.dataset.blocked = String(isBlocked);
  }

  private renderConversation(c: Conversation | undefined): void {
    document.body.dataset.view = c ? 'chat' : 'list';
    this.composer.hidden = !c;
    if (!c) {
      this.title.textContent = 'Pick a room or a person';
      for (const node of [this.online, this.messages]) node.replaceChildren();
      this.seen.textContent = this.typing.textContent = '';
      this.older.hidden = true;
      this.shownKey = undefined;
      return;
    }
    const switched = this.shownKey !== c.key;
    const box = this.messages;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < stickyPx;
    // Older lines put above keep what the reader was looking at in place.
    const fromBottom = box.scrollHeight - box.scrollTop;
    const prepended = !switched && box.firstElementChild?.getAttribute('data-id') !== c.lines[0]?.id;
    this.title.textContent = c.kind === 'room' ? `# ${c.id}` : `@ ${c.id}`;
    this.online.replaceChildren(
      // In user id order, as `who` lists them, however the joined and left events came.
      ...[...c.online]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([user, status]) => el('li', { text: user, attrs: { 'data-status': status, title: status } })),
    );
    this.older.hidden = c.kind !== 'room' || c.olderBefore === null;
    box.replaceChildren(...c.lines.map((line) => this.renderLine(c, line, false)));
    if (c.lines.length === 0) box.append(el('li', { class: 'system', text: 'No messages yet.' }));
    this.seen.textContent = seenLine(c, this.model.me);
    this.typing.textContent = typingLine(c.typingUsers(Date.now()).filter((u) => u !== this.model.me));
    if (switched || atBottom) box.scrollTop = box.scrollHeight;
    else if (prepended) box.scrollTop = box.scrollHeight - fromBottom;
    this.shownKey = c.key;
  }

  /** The thread pane: the parent message and its replies, while a thread of this room is open. */
  private renderThread(c: Conversation | undefined): void {
    const thread = this.model.thread;
    const parent =
      thread && c?.kind === 'room' && c.id === thread.room && c.lines.find((l) => l.seq === thread.seq);
    this.thread.hidden = !parent;
    document.body.dataset.thread = String(Boolean(parent));
    if (!parent || !c) {
      this.threadParent.replaceChildren();
      this.threadMessages.replaceChildren();
      return;
    }
    const box = this.threadMessages;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < stickyPx;
    this.threadParent.replaceChildren(this.renderBody(c, parent, 'div'));
    box.replaceChildren(...thread.lines.map((line) => this.renderLine(c, line, true)));
    if (thread.lines.length === 0) box.append(el('li', { class: 'system', text: 'No replies yet.' }));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  /**
   * One line. A room message also has its attachments, reaction chips, the reaction buttons and
   * its actions: reply (not in a thread), edit on the user's own, and delete on the user's own
   * or, for the room's owner and admins, on anyone's.
   */
  private renderLine(c: Conversation, line: ChatLine, inThread: boolean): HTMLLIElement {
    const classes = [line.from === this.model.me ? 'mine' : '', line.pending ? 'pending' : ''];
    if (line.notification) classes.push('notification');
    if (line.deleted) classes.push('deleted');
    const li = this.renderBody(c, line, 'li');
    li.className = classes.filter(Boolean).join(' ');
    li.setAttribute('data-id', line.id);
    if (line.seq !== undefined) li.setAttribute('data-seq', String(line.seq));
    if (c.kind !== 'room' || line.seq === undefined || line.pending || line.deleted) return li;
    const seq = line.seq;
    const reactions = Object.entries(line.reactions ?? {});
    if (reactions.length > 0) {
      li.append(
        el(
          'div',
          { class: 'reactions' },
          ...reactions.map(([reaction, count]) => {
            const mine = c.mine.has(`${seq} ${reaction}`);
            return el('button', {
              class: 'chip',
              text: `${reaction} ${count}`,
              attrs: {
                type: 'button',
                'data-action': 'react',
                'data-reaction': reaction,
                'aria-pressed': String(mine),
                title: mine ? 'Take your reaction back' : 'React',
              },
            });
          }),
        ),
      );
    }
    const actions = el(
      'div',
      { class: 'actions' },
      ...reactionChoices.map((reaction) =>
        el('button', {
          class: 'pick',
          text: reaction,
          attrs: {
            type: 'button',
            'data-action': 'react',
            'data-reaction': reaction,
            'aria-label': `React ${reaction}`,
          },
        }),
      ),
    );
    if (!inThread) actions.append(action('reply', 'Reply'));
    if (line.from === this.model.me) actions.append(action('edit', 'Edit'));
    if (canDelete(this.model, c, line)) actions.append(action('delete', 'Delete'));
    li.append(actions);
    if (!inThread && (line.replies ?? 0) > 0) {
      const n = line.replies ?? 0;
      li.append(
        el('button', {
          class: 'replies',
          text: n === 1 ? '1 reply' : `${n} replies`,
          attrs: { type: 'button', 'data-action': 'reply' },
        }),
      );
    }
    return li;
  }

  /** Who, what (or the edit box, or "message deleted"), "(edited)", when, and the files. */
  private renderBody<K extends 'li' | 'div'>(
    c: Conversation,
    line: ChatLine,
    tag: K,
  ): HTMLElementTagNameMap[K] {
    const editing = this.model.editing;
    const isEditing =
      c.kind === 'room' && editing?.room === c.id && editing.seq === line.seq && !line.deleted;
    const text = line.deleted
      ? el('span', { class: 'text deleted', text: 'message deleted' })
      : isEditing
        ? el('input', {
            class: 'edit',
            attrs: { value: editing.draft, 'aria-label': 'Edit your message', maxlength: '4000' },
          })
        : el('span', { class: 'text', text: line.text });
    const node = el(tag, {}, el('span', { class: 'from', text: line.from }), text);
    if (line.editedAt && !line.deleted) node.append(el('span', { class: 'edited', text: '(edited)' }));
    node.append(el('time', { text: clock(line.ts), attrs: { datetime: new Date(line.ts).toISOString() } }));
    if (line.files?.length && !line.deleted) {
      node.append(el('div', { class: 'files' }, ...line.files.map((f) => this.renderFile(f))));
    }
    return node;
  }

  /** An image inline (once its bytes are in), any other file as a link with its name and size. */
  private renderFile(file: FileRef): HTMLElement {
    const label = `${file.name} (${sizeText(file.size)})`;
    if (file.contentType.startsWith('image/') && !this.attachments.hasFailed(file)) {
      const url = this.attachments.imageUrl(file);
      return url
        ? el('img', {
            class: 'thumb',
            attrs: { src: url, alt: file.name, title: label, 'data-file': file.id },
          })
        : el('span', { class: 'thumb loading', text: `${file.name}…` });
    }
    this.attachments.know(file);
    return el('a', {
      class: 'file',
      text: label,
      attrs: { href: '#', 'data-file': file.id, 'data-action': 'download' },
    });
  }
}

function action(name: string, label: string): HTMLButtonElement {
  return el('button', { class: 'act', text: label, attrs: { type: 'button', 'data-action': name } });
}

function seenLine(c: Conversation, me: string): string {
  if (c.kind !== 'room' || c.latestSeq === 0) return '';
  const readers = [...c.readBy].filter(([user, upTo]) => user !== me && upTo >= c.latestSeq).map(([u]) => u);
  return readers.length > 0 ? `Seen by ${readers.sort().join(', ')}` : '';
}

function typingLine(users: string[]): string {
  if (users.length === 0) return '';
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length <= 3) return `${users.join(', ')} are typing…`;
  return 'Several people are typing…';
}
