import type {
  ConnectionState,
  MembershipEvent,
  MessageFrame,
  NotificationFrame,
  PresenceEvent,
  ReadEvent,
  RoomMessageView,
  TypingEvent,
  WaveletClient,
} from '../client/index.ts';
import { WaveletError } from '../client/index.ts';
import { type ChatLine, type ChatModel, type Conversation, textOf } from './chat-model.ts';
import type { HttpApi } from './http-api.ts';
import {
  dropSent,
  keepReactions,
  keepSent,
  keptReactions,
  keptSentReacts,
  type SentReact,
} from './reaction-store.ts';
import type { Session } from './session.ts';

/** A typing indicator lapses this long after its last `start`, in case the `stop` never comes. */
const typingLapseMs = 6000;
/** The first history page of a room. */
const historyPageSize = 50;
/** The first page of a thread's replies. */
const threadPageSize = 100;
/** This tab's last known status, shown after a reload until the server's is learnt. */
const statusKey = 'wavelet.status';

/**
 * Keeps the model in step with the server: the user's rooms (from `GET /me/unread`, refreshed on
 * every reconnect), live frames from the SDK, history pages, `who`, and read receipts for the
 * room in view. The SDK itself re-joins rooms after a reconnect and pushes what was missed, and
 * syncs the inbox, so recovered messages arrive here as ordinary `message` events. A room's lines
 * are the SDK's message list (`client.messages(room)`), which applies edits, deletes, reactions
 * and replies however they arrived (live, replayed after a reconnect, or in a history page).
 */
export class ChatApp {
  private readonly joins = new Map<string, Promise<void>>();
  private connectedBefore = false;
  /** The reactions the user holds, per room, as this tab knew them (see reaction-store.ts). */
  private readonly keptReactions: Record<string, string[]>;
  /** The reacts sent whose answer is not handled yet, kept for the tab. */
  private sentReacts: SentReact[];
  /** Rooms whose kept reactions are back in their conversation's `mine`. */
  private readonly restored = new Set<string>();

  constructor(
    readonly client: WaveletClient,
    readonly model: ChatModel,
    private readonly session: Session,
    private readonly api: HttpApi,
    private readonly notify: (text: string) => void,
  ) {
    client.on('message', (m) => this.onMessage(m));
    client.on('messages', ({ room }) => this.onList(room));
    client.on('notification', (n) => this.onNotification(n));
    client.on('joined', (e) => this.onMembership(e));
    client.on('left', (e) => this.onMembership(e));
    client.on('presence', (e) => this.onPresence(e));
    client.on('typing', (e) => this.onTyping(e));
    client.on('read', (e) => this.onRead(e));
    client.on('gap', (g) => this.onGap(g.room, 'complete' in g && g.complete === false));
    client.on('state', (s) => this.onState(s));
    client.on('error', (error) => this.notify(error.message));
    document.addEventListener('visibilitychange', () => this.markRead());
    const kept = sessionStorage.getItem(statusKey);
    if (kept) model.status = kept;
    this.keptReactions = keptReactions(model.me);
    this.sentReacts = keptSentReacts(model.me);
    // Reacts an earlier load sent but never saw answered: asked again (the SDK sends them once open).
    for (const sent of this.sentReacts) {
      this.react(sent).catch((error: Error) => this.notify(`react: ${error.message}`));
    }
  }

  /** Shows `status` as the user's own, and keeps it for this tab's next load. */
  showStatus(status: string): void {
    this.model.status = status;
    sessionStorage.setItem(statusKey, status);
    this.model.changed();
  }

  async start(): Promise<void> {
    await this.client.connect();
  }

  /**
   * Opens a conversation. A room is joined and its history loaded the first time; its online list
   * is fetched each time, and it is marked read.
   */
  async open(c: Conversation): Promise<void> {
    this.model.current = c;
    if (c.kind === 'dm') c.unseen = 0;
    this.model.changed();
    if (c.kind !== 'room') return;
    await this.joinRoom(c.id);
    if (!c.historyLoaded) await this.loadHistory(c);
    await this.refreshOnline(c);
    this.markRead();
  }

  /**
   * Subscribes to a room once (opening a room while the room list joins it shares one `join`);
   * the SDK keeps the subscription across reconnects. A failed join is tried again next time.
   */
  async joinRoom(room: string): Promise<Conversation> {
    const c = this.model.get('room', room);
    let joining = this.joins.get(room);
    if (!joining) {
      joining = this.client.join(room).then((result) => {
        c.latestSeq = Math.max(c.latestSeq, result.seq);
        this.model.changed();
        this.learnOwner(c);
      });
      this.joins.set(room, joining);
      joining.catch(() => this.joins.delete(room));
    }
    await joining;
    return c;
  }

  /** The next older page of a room's history (newest first from the server). */
  async loadHistory(c: Conversation, before?: number): Promise<void> {
    // The page goes into the SDK's list of the (joined) room, whose `messages` event draws it.
    const page = await this.client.history(c.id, { before, limit: historyPageSize });
    c.olderBefore = page.next;
    c.historyLoaded = true;
    this.model.changed();
  }

  /** Marks the room in view read up to its latest message, when the page is actually visible. */
  markRead(): void {
    const c = this.model.current;
    if (c?.kind !== 'room' || document.visibilityState !== 'visible') return;
    if (c.latestSeq <= c.readUpTo || this.client.state !== 'open') return;
    const upTo = c.latestSeq;
    c.readUpTo = upTo;
    this.model.changed();
    this.client.read(c.id, upTo).catch((error: Error) => this.notify(`read: ${error.message}`));
  }

  /**
   * This user's own room message is read by its author: when nothing before it is unread the
   * cursor moves onto it even with the page hidden (a send whose reply lands after the user
   * switched away), so neither the badge nor `GET /me/unread` counts it.
   */
  readOwn(c: Conversation, seq: number): void {
    // Unread messages before it are the reader's to see first (markRead, once in view).
    if (seq <= c.readUpTo || c.readUpTo < seq - 1 || this.client.state !== 'open') return;
    c.readUpTo = seq;
    this.model.changed();
    this.client.read(c.id, seq).catch((error: Error) => this.notify(`read: ${error.message}`));
  }

  /** Opens the thread of room message `seq` beside the conversation, with its replies. */
  async openThread(room: string, seq: number): Promise<void> {
    this.model.thread = { room, seq, lines: [] };
    this.onList(room);
    await this.client.history(room, { replyTo: seq, limit: threadPageSize });
    this.onList(room);
  }

  closeThread(): void {
    this.model.thread = undefined;
    this.model.changed();
  }

  /**
   * Adds this user's `reaction` to room message `seq`, or takes it back when the page knows the
   * user holds it. A take-back the server answers `NOT_FOUND` (not held after all) only corrects
   * what the page knew.
   */
  async toggleReaction(c: Conversation, seq: number, reaction: string): Promise<void> {
    const on = !c.mine.has(`${seq} ${reaction}`);
    await this.react({ room: c.id, seq, reaction, on, id: crypto.randomUUID(), at: Date.now() });
  }

  /**
   * Sends a react and notes what its answer says. From the click until its answer is handled it
   * is kept for the tab (see reaction-store.ts), so a reload in between sends it again, with the
   * same idempotency key, from the next load: the server answers the first attempt's seq when
   * that was stored, and otherwise judges the frame afresh (a first attempt that never arrived,
   * or was refused, left no key: a refusal such as RATE_LIMITED may be stored this time), so the
   * mark ends as the server has it, never as a guess. Only the newest react of a reaction to a
   * message sets its mark: the late answer of one a newer click replaced sets none.
   */
  private async react(sent: SentReact): Promise<void> {
    const me = this.model.me;
    this.sentReacts = keepSent(me, this.sentReacts, sent);
    try {
      await this.client.react(sent.room, sent.seq, sent.reaction, sent.on, { id: sent.id });
    } catch (error) {
      const notHeld = !sent.on && error instanceof WaveletError && error.code === 'NOT_FOUND';
      if (!notHeld) {
        this.sentReacts = dropSent(me, this.sentReacts, sent);
        throw error;
      }
    }
    const current = this.sentReacts.some((r) => r.id === sent.id);
    this.sentReacts = dropSent(me, this.sentReacts, sent);
    if (!current) return;
    this.hold(sent.room, `${sent.seq} ${sent.reaction}`, sent.on);
    this.model.changed();
  }

  /** Blocks a user: the server drops their direct messages to this user from now on. */
  async block(user: string): Promise<void> {
    await this.client.block(user);
    this.model.blocked.add(user);
    this.model.changed();
  }

  async unblock(user: string): Promise<void> {
    await this.client.unblock(user);
    this.model.blocked.delete(user);
    this.model.changed();
  }

  /**
   * The room's owner, who may delete anyone's message there (the SDK speaks only WebSocket, and
   * `join` does not name the owner). Without it the page offers delete on own messages only.
   */
  private learnOwner(c: Conversation): void {
    this.session
      .token()
      .then((token) => this.api.room(token, c.id))
      .then((room) => {
        c.owner = room.owner;
        this.model.changed();
      })
      .catch((e: Error) => this.notify(`room ${c.id}: ${e.message}`));
  }

  /** The users this user blocks, from the HTTP API (the SDK speaks only WebSocket). */
  private async loadBlocks(): Promise<void> {
    const users = await this.api.blocks(await this.session.token());
    this.model.blocked.clear();
    for (const b of users) this.model.blocked.add(b.user);
    this.model.changed();
  }

  /** The user's rooms with their unread counts; each is joined so its messages arrive live. */
  private async loadRooms(): Promise<void> {
    const rooms = await this.api.unread(await this.session.token());
    for (const r of rooms) {
      const c = this.model.get('room', r.room);
      c.latestSeq = Math.max(c.latestSeq, r.seq);
      c.readUpTo = Math.max(c.readUpTo, r.upTo);
    }
    this.model.changed();
    await Promise.all(rooms.map((r) => this.joinRoom(r.room).catch((e: Error) => this.notify(e.message))));
    await this.learnStatus(rooms.map((r) => r.room));
  }

  /**
   * The protocol tells a user's own status only through `who`: ask it of one of the user's rooms
   * (now joined), so that the selector shows the server's status before any room is opened.
   */
  private async learnStatus(rooms: string[]): Promise<void> {
    const room = rooms.find((r) => this.joins.has(r));
    if (room === undefined) return;
    const { users } = await this.client.who(room);
    const mine = users.find((u) => u.user === this.model.me);
    if (mine) this.showStatus(mine.status);
  }

  private async refreshOnline(c: Conversation): Promise<void> {
    const { users } = await this.client.who(c.id);
    c.online.clear();
    for (const u of users) c.online.set(u.user, u.status);
    this.keepSelfOnline(c);
    // The status is the server's (kept across reconnects and reloads), not the page's default.
    const mine = c.online.get(this.model.me);
    if (mine) this.showStatus(mine);
    this.model.changed();
  }

  private onState(state: ConnectionState): void {
    const badge = document.getElementById('connection');
    if (badge) {
      badge.dataset.state = state;
      badge.textContent = state;
    }
    if (state !== 'open') return;
    // Failed attempts were reported while away; being back makes them stale.
    this.notify('');
    // Every (re)connect: rooms joined elsewhere meanwhile, and the open room's online list,
    // whose joined/left events were missed while away.
    const first = !this.connectedBefore;
    this.connectedBefore = true;
    this.loadRooms().catch((e: Error) => this.notify(`rooms: ${e.message}`));
    if (first) this.loadBlocks().catch((e: Error) => this.notify(`blocked users: ${e.message}`));
    const c = this.model.current;
    if (!first && c?.kind === 'room') this.refreshOnline(c).catch((e: Error) => this.notify(e.message));
  }

  /** A room's SDK list changed: its lines, and the open thread's when it is that room's. */
  private onList(room: string): void {
    const views = this.client.messages(room);
    const c = this.model.find('room', room);
    if (c) this.mineOf(c);
    c?.setRoomLines(views.filter((v) => v.replyTo === undefined).map(lineOf));
    const thread = this.model.thread;
    if (thread?.room === room) thread.lines = views.filter((v) => v.replyTo === thread.seq).map(lineOf);
    // An untouched edit box follows the message's newer text, so Enter never saves an old one.
    const editing = this.model.editing;
    const edited = editing?.room === room ? views.find((v) => v.seq === editing.seq) : undefined;
    if (editing && edited && !edited.deleted && editing.draft === editing.base) {
      editing.draft = editing.base = textOf(edited.data);
    }
    this.model.changed();
  }

  private onMessage(m: MessageFrame): void {
    const me = this.model.me;
    if (m.room !== undefined) {
      this.onRoomEntry(m.room, m);
      return;
    }
    const c = this.model.get('dm', m.from === me ? (m.to ?? me) : m.from);
    const added = c.add({ id: m.id, from: m.from, text: textOf(m.data), ts: m.ts, files: m.files });
    if (added && !this.inView(c)) c.unseen += 1;
    this.model.changed();
  }

  /**
   * A room entry (a message, or an edit, delete or reaction of one): its line comes from the SDK's
   * list; here the seq counts toward unread, and this user's own reaction entries (from another
   * tab too) say which reactions the user holds.
   */
  private onRoomEntry(room: string, m: MessageFrame): void {
    const c = this.model.get('room', room);
    if (m.seq !== undefined && m.seq > c.latestSeq) c.latestSeq = m.seq;
    if (m.kind === 'reaction' && m.from === this.model.me && m.target !== undefined) {
      this.hold(room, `${m.target} ${m.reaction}`, m.on !== false);
    }
    c.typing.delete(m.from);
    this.model.changed();
    if (this.inView(c)) this.markRead();
    else if (m.from === this.model.me && m.seq !== undefined) this.readOwn(c, m.seq);
  }

  private onNotification(n: NotificationFrame): void {
    const c = this.model.get('dm', n.from);
    if (
      c.add({ id: n.id, from: n.from, text: textOf(n.data), ts: n.ts, notification: true }) &&
      !this.inView(c)
    ) {
      c.unseen += 1;
    }
    this.model.changed();
  }

  private onMembership(e: MembershipEvent): void {
    const c = this.model.find('room', e.room);
    if (!c) return;
    if (e.event === 'joined') c.online.set(e.user, c.online.get(e.user) ?? 'online');
    else c.online.delete(e.user);
    this.keepSelfOnline(c);
    this.model.changed();
  }

  private onPresence(e: PresenceEvent): void {
    const c = this.model.find('room', e.room);
    if (!c) return;
    if (e.status === 'offline') c.online.delete(e.user);
    else c.online.set(e.user, e.status);
    this.keepSelfOnline(c);
    this.model.changed();
  }

  private onTyping(e: TypingEvent): void {
    const c = this.model.find('room', e.room);
    if (!c) return;
    if (e.state === 'start') {
      c.typing.set(e.user, Date.now() + typingLapseMs);
      setTimeout(() => this.model.changed(), typingLapseMs + 50);
    } else c.typing.delete(e.user);
    this.model.changed();
  }

  private onRead(e: ReadEvent): void {
    const c = this.model.find('room', e.room);
    if (!c) return;
    // The user's own receipt comes from another tab or device: this one has read that far too.
    if (e.user === this.model.me) c.readUpTo = Math.max(c.readUpTo, e.upTo);
    else c.readBy.set(e.user, Math.max(c.readBy.get(e.user) ?? 0, e.upTo));
    this.model.changed();
  }

  /** A recovery that could not be completed: reload the room's view from its history. */
  private onGap(room: string, incomplete: boolean): void {
    const c = this.model.find('room', room);
    if (!c || !incomplete) return;
    this.loadHistory(c).catch((e: Error) => this.notify(`history: ${e.message}`));
  }

  /**
   * While this page is connected and subscribed to the room, its user is online there, whatever
   * a `who` that ran before the SDK's re-join, or the `left` of this user's dropped socket, said.
   */
  private keepSelfOnline(c: Conversation): void {
    const me = this.model.me;
    if (c.online.has(me) || !this.joins.has(c.id) || this.client.state !== 'open') return;
    c.online.set(me, this.model.status ?? 'online');
  }

  /** The reactions the user holds in room `c`, with those an earlier load of this tab knew. */
  private mineOf(c: Conversation): Set<string> {
    if (!this.restored.has(c.id)) {
      this.restored.add(c.id);
      for (const key of this.keptReactions[c.id] ?? []) c.mine.add(key);
    }
    return c.mine;
  }

  /**
   * Notes that the user holds (or no longer holds) a reaction, `{seq} {reaction}`, in `room`, and
   * keeps it for the tab. A room the page does not show (deleted since the click) is not made
   * one: only what is kept for it changes.
   */
  private hold(room: string, key: string, on: boolean): void {
    const c = this.model.find('room', room);
    const mine = c ? this.mineOf(c) : new Set(this.keptReactions[room]);
    if (on) mine.add(key);
    else mine.delete(key);
    this.keptReactions[room] = [...mine];
    keepReactions(this.model.me, this.keptReactions);
  }

  private inView(c: Conversation): boolean {
    return this.model.current === c && document.visibilityState === 'visible';
  }
}

/** A room message of the SDK's list as a line: a deleted one keeps its place, without its text. */
function lineOf(v: RoomMessageView): ChatLine {
  return {
    id: v.id,
    from: v.from,
    text: v.deleted ? '' : textOf(v.data),
    ts: v.ts,
    seq: v.seq,
    editedAt: v.editedAt,
    deleted: v.deleted,
    reactions: v.reactions,
    replies: v.replies,
    files: v.files,
  };
}
