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
 * many frames arrive, and only what changed: each line and list entry keeps its node while its
 * content is the same (see `showKeyed`), so a click or a hover never lands on a node that a
 * redraw took away. Everything from users goes in as text (see dom.ts).
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
    this.renderConversation(this.model.current);
    this.renderThread(this.model.current);
    this.followDraft();
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
   * The edit box is drawn once and then holds what is typed (`input` events keep the draft in
   * step). A draft changed under it, which is an untouched box following the message's newer
   * text (see ChatApp's onList), goes into the same `<input>`: drawing a new one would take the
   * focus away, and her next keys and Enter would go nowhere. The caret goes to the end, as when
   * the box opened.
   */
  private followDraft(): void {
    const box = document.querySelector<HTMLInputElement>('input.edit');
    const draft = this.model.editing?.draft;
    if (!box || draft === undefined || box.value === draft) return;
    box.value = draft;
    box.setSelectionRange(draft.length, draft.length);
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
    // A new or gone conversation moves no other item: the kept ones stay where they are.
    if (conversations.length === 0) items.push(el('li', { class: 'system', text: empty }));
    placeChildren(list, items);
  }

  /** The blocked users, each with its Unblock button, and Block/Unblock on a direct conversation. */
  private renderBlocks(c: Conversation | undefined): void {
    const users = [...this.model.blocked].sort();
    const items = users.map(
      (user): Item => ({
        key: user,
        sig: '',
        draw: () =>
          el(
            'li',
            { attrs: { 'data-user': user } },
            el('span', { class: 'name', text: user }),
            el('button', { text: 'Unblock', attrs: { type: 'button', 'data-unblock': user } }),
          ),
      }),
    );
    if (users.length === 0) items.push(systemItem('Nobody.'));
    showKeyed(this.blocked, items);
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
      for (const node of [this.online, this.messages]) showKeyed(node, []);
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
    showKeyed(
      this.online,
      // In user id order, as `who` lists them, however the joined and left events came.
      [...c.online]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([user, status]) => ({
          key: user,
          sig: status,
          draw: () => el('li', { text: user, attrs: { 'data-status': status, title: status } }),
        })),
    );
    this.older.hidden = c.kind !== 'room' || c.olderBefore === null;
    const items = c.lines.map((line) => this.lineItem(c, line, false));
    if (c.lines.length === 0) items.push(systemItem('No messages yet.'));
    showKeyed(box, items);
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
      showKeyed(this.threadParent, []);
      showKeyed(this.threadMessages, []);
      return;
    }
    const box = this.threadMessages;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < stickyPx;
    // The parent is the main list's line: its edit box is there, never a second one here.
    const body = this.bodyParts(c, parent, false);
    showKeyed(this.threadParent, [
      {
        key: `${c.key} ${parent.id}`,
        sig: sigOf(...body.map((p) => p.sig)),
        draw: (old) => drawParts(old ?? el('div'), body),
      },
    ]);
    const items = thread.lines.map((line) => this.lineItem(c, line, true));
    if (thread.lines.length === 0) items.push(systemItem('No replies yet.'));
    showKeyed(box, items);
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  /**
   * One line, kept as one `<li>` (keyed by the message's id) while it is on the page: only the
   * parts whose content changed are drawn again. A room message also has its attachments,
   * reaction chips, the reaction buttons and its actions: reply (not in a thread), edit on the
   * user's own, and delete on the user's own or, for the room's owner and admins, on anyone's.
   */
  private lineItem(c: Conversation, line: ChatLine, inThread: boolean): Item {
    const classes = [line.from === this.model.me ? 'mine' : '', line.pending ? 'pending' : ''];
    if (line.notification) classes.push('notification');
    if (line.deleted) classes.push('deleted');
    const className = classes.filter(Boolean).join(' ');
    const seq = line.seq === undefined ? undefined : String(line.seq);
    const parts = [...this.bodyParts(c, line, true), ...this.roomParts(c, line, inThread)];
    return {
      key: `${c.key} ${line.id}`,
      sig: sigOf(className, seq, ...parts.map((p) => `${p.name}=${p.sig}`)),
      draw: (old) => {
        const li = old ?? el('li');
        if (li.className !== className) li.className = className;
        setAttr(li, 'data-id', line.id);
        setAttr(li, 'data-seq', seq);
        return drawParts(li, parts);
      },
    };
  }

  /** The parts a room message adds: its reaction chips, reaction buttons, actions and replies. */
  private roomParts(c: Conversation, line: ChatLine, inThread: boolean): Part[] {
    if (c.kind !== 'room' || line.seq === undefined || line.pending || line.deleted) return [];
    const parts: Part[] = [];
    const seq = line.seq;
    const reactions = Object.entries(line.reactions ?? {}).map(
      ([reaction, count]) => [reaction, count, c.mine.has(`${seq} ${reaction}`)] as const,
    );
    if (reactions.length > 0) {
      parts.push({
        name: 'reactions',
        sig: sigOf(...reactions.flat()),
        draw: () =>
          el(
            'div',
            { class: 'reactions' },
            ...reactions.map(([reaction, count, mine]) =>
              el('button', {
                class: 'chip',
                text: `${reaction} ${count}`,
                attrs: {
                  type: 'button',
                  'data-action': 'react',
                  'data-reaction': reaction,
                  'aria-pressed': String(mine),
                  title: mine ? 'Take your reaction back' : 'React',
                },
              }),
            ),
          ),
      });
    }
    const own = line.from === this.model.me;
    const deletable = canDelete(this.model, c, line);
    parts.push({
      name: 'actions',
      sig: sigOf(inThread, own, deletable),
      draw: () => {
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
        if (own) actions.append(action('edit', 'Edit'));
        if (deletable) actions.append(action('delete', 'Delete'));
        return actions;
      },
    });
    const n = line.replies ?? 0;
    if (!inThread && n > 0) {
      parts.push({
        name: 'replies',
        sig: String(n),
        draw: () =>
          el('button', {
            class: 'replies',
            text: n === 1 ? '1 reply' : `${n} replies`,
            attrs: { type: 'button', 'data-action': 'reply' },
          }),
      });
    }
    return parts;
  }

  /**
   * Who, what (or the edit box, or "message deleted"), "(edited)", when, and the files. The edit
   * box shows only where the line has its Edit action (`editable`): a message shows in the main
   * list and as the thread pane's parent, and only the first gets the box.
   */
  private bodyParts(c: Conversation, line: ChatLine, editable: boolean): Part[] {
    const editing = this.model.editing;
    const isEditing =
      editable && c.kind === 'room' && editing?.room === c.id && editing.seq === line.seq && !line.deleted;
    const parts: Part[] = [
      { name: 'from', sig: line.from, draw: () => el('span', { class: 'from', text: line.from }) },
      {
        // The box holds what is typed while it stays: never drawn again for a newer text (see
        // followDraft).
        name: 'text',
        sig: line.deleted ? 'deleted' : isEditing ? 'editing' : sigOf('text', line.text),
        draw: () =>
          line.deleted
            ? el('span', { class: 'text deleted', text: 'message deleted' })
            : isEditing
              ? el('input', {
                  class: 'edit',
                  attrs: { value: editing.draft, 'aria-label': 'Edit your message', maxlength: '4000' },
                })
              : el('span', { class: 'text', text: line.text }),
      },
    ];
    if (line.editedAt && !line.deleted) {
      parts.push({ name: 'edited', sig: '', draw: () => el('span', { class: 'edited', text: '(edited)' }) });
    }
    parts.push({
      name: 'time',
      sig: String(line.ts),
      draw: () => el('time', { text: clock(line.ts), attrs: { datetime: new Date(line.ts).toISOString() } }),
    });
    if (line.files?.length && !line.deleted) {
      const files = line.files.map((f) => [f, this.fileShown(f)] as const);
      parts.push({
        name: 'files',
        sig: sigOf(...files.flatMap(([f, shown]) => [f.id, f.name, f.size, f.contentType, shown])),
        draw: () => el('div', { class: 'files' }, ...files.map(([f, shown]) => renderFile(f, shown))),
      });
    }
    return parts;
  }

  /**
   * How a file shows: an image inline once its bytes are in (its blob URL), `loading` until then;
   * any other file (or an image that could not be fetched) as a `link`.
   */
  private fileShown(file: FileRef): string {
    if (file.contentType.startsWith('image/') && !this.attachments.hasFailed(file)) {
      return this.attachments.imageUrl(file) ?? 'loading';
    }
    this.attachments.know(file);
    return 'link';
  }
}

/** One child of a keyed list: drawn (or, given its `old` node, updated) only when `sig` changed. */
interface Item {
  readonly key: string;
  /** What the node shows: the same signature, the same node, untouched. */
  readonly sig: string;
  draw(old: HTMLElement | undefined): HTMLElement;
}

/** What each list's children were drawn from, by key. */
const drawnItems = new WeakMap<HTMLElement, Map<string, { sig: string; node: HTMLElement }>>();

/**
 * Makes `parent`'s children the nodes of `items`, in order: an item whose key and signature are
 * unchanged keeps its node (not even moved when already in place), a changed one is drawn from its
 * old node, a new one is drawn, and nodes of items gone are removed. So a node a person is pointing
 * at or clicking stays while its content is unchanged.
 */
function showKeyed(parent: HTMLElement, items: readonly Item[]): void {
  const before = drawnItems.get(parent) ?? new Map<string, { sig: string; node: HTMLElement }>();
  const now = new Map<string, { sig: string; node: HTMLElement }>();
  for (const item of items) {
    const old = before.get(item.key);
    const node = old && old.sig === item.sig ? old.node : item.draw(old?.node);
    now.set(item.key, { sig: item.sig, node });
  }
  drawnItems.set(parent, now);
  placeChildren(
    parent,
    [...now.values()].map((d) => d.node),
  );
}

/** One part of a line (its text, its chips...): one or more nodes drawn from `sig`. */
interface Part {
  readonly name: string;
  readonly sig: string;
  draw(): Node;
}

/** What each line's parts were drawn from, by name. */
const drawnParts = new WeakMap<HTMLElement, Map<string, { sig: string; node: Node }>>();

/** Makes `node`'s children the parts' nodes, drawing again only the parts whose signature changed. */
function drawParts<T extends HTMLElement>(node: T, parts: readonly Part[]): T {
  const before = drawnParts.get(node) ?? new Map<string, { sig: string; node: Node }>();
  const now = new Map<string, { sig: string; node: Node }>();
  for (const part of parts) {
    const old = before.get(part.name);
    now.set(part.name, old && old.sig === part.sig ? old : { sig: part.sig, node: part.draw() });
  }
  drawnParts.set(node, now);
  placeChildren(
    node,
    [...now.values()].map((d) => d.node),
  );
  return node;
}

/** Makes `parent`'s children exactly `nodes`, in order, moving only those out of place. */
function placeChildren(parent: Node, nodes: readonly Node[]): void {
  // Gone nodes first: a removal then moves none of the nodes after it.
  const wanted = new Set(nodes);
  for (const child of Array.from(parent.childNodes)) if (!wanted.has(child)) parent.removeChild(child);
  let at = parent.firstChild;
  for (const node of nodes) {
    if (node === at) at = at.nextSibling;
    else parent.insertBefore(node, at);
  }
  while (at) {
    const next: ChildNode | null = at.nextSibling;
    parent.removeChild(at);
    at = next;
  }
}

/** A list's one grey line saying it is empty. */
function systemItem(text: string): Item {
  return { key: `system ${text}`, sig: '', draw: () => el('li', { class: 'system', text }) };
}

/** A signature of what a node shows (values joined unambiguously). */
function sigOf(...values: unknown[]): string {
  return JSON.stringify(values);
}

function setAttr(node: HTMLElement, name: string, value: string | undefined): void {
  if (value === undefined) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** An image inline (once its bytes are in), any other file as a link with its name and size. */
function renderFile(file: FileRef, shown: string): HTMLElement {
  const label = `${file.name} (${sizeText(file.size)})`;
  if (shown === 'link') {
    return el('a', {
      class: 'file',
      text: label,
      attrs: { href: '#', 'data-file': file.id, 'data-action': 'download' },
    });
  }
  if (shown === 'loading') return el('span', { class: 'thumb loading', text: `${file.name}…` });
  return el('img', {
    class: 'thumb',
    attrs: { src: shown, alt: file.name, title: label, 'data-file': file.id },
  });
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
