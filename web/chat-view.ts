import type { ChatLine, ChatModel, Conversation } from './chat-model.ts';
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

  constructor(
    private readonly model: ChatModel,
    private readonly open: (conversation: Conversation) => void,
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
    this.renderConversation(this.model.current);
    this.renderBlocks(this.model.current);
    // Unread elsewhere shows in the tab's title and, on a phone, on the way back to the list.
    const elsewhere = [...this.model.conversations.values()]
      .filter((c) => c !== this.model.current)
      .reduce((sum, c) => sum + c.unread, 0);
    document.title = elsewhere > 0 ? `(${elsewhere}) wavelet chat` : 'wavelet chat';
    this.back.textContent = elsewhere > 0 ? `← ${elsewhere}` : '←';
    if (this.model.status) this.status.value = this.model.status;
  }

  private renderList(
    list: HTMLUListElement,
    conversations: Conversation[],
    label: (c: Conversation) => string,
    empty: string,
  ) {
    list.replaceChildren(
      ...conversations.map((c) => {
        const button = el(
          'button',
          {
            attrs: {
              type: 'button',
              'data-key': c.key,
              'aria-current': String(c === this.model.current),
            },
          },
          el('span', { class: 'name', text: label(c) }),
          el('span', {
            class: 'badge',
            text: c.unread > 0 ? String(c.unread) : '',
            attrs: { 'aria-label': c.unread > 0 ? `${c.unread} unread` : undefined },
          }),
        );
        button.addEventListener('click', () => this.open(c));
        return el('li', {}, button);
      }),
    );
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
    box.replaceChildren(...c.lines.map((line) => this.renderLine(line)));
    if (c.lines.length === 0) box.append(el('li', { class: 'system', text: 'No messages yet.' }));
    this.seen.textContent = seenLine(c, this.model.me);
    this.typing.textContent = typingLine(c.typingUsers(Date.now()).filter((u) => u !== this.model.me));
    if (switched || atBottom) box.scrollTop = box.scrollHeight;
    else if (prepended) box.scrollTop = box.scrollHeight - fromBottom;
    this.shownKey = c.key;
  }

  private renderLine(line: ChatLine): HTMLLIElement {
    const classes = [line.from === this.model.me ? 'mine' : '', line.pending ? 'pending' : ''];
    if (line.notification) classes.push('notification');
    return el(
      'li',
      {
        class: classes.filter(Boolean).join(' '),
        attrs: { 'data-id': line.id, 'data-seq': line.seq === undefined ? undefined : String(line.seq) },
      },
      el('span', { class: 'from', text: line.from }),
      el('span', { class: 'text', text: line.text }),
      el('time', { text: clock(line.ts), attrs: { datetime: new Date(line.ts).toISOString() } }),
    );
  }
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
