import type { FileRef } from '../protocol/server-frames.ts';

/** One line of a conversation as the page shows it. */
export interface ChatLine {
  /** The server's message id, or a local id while the send is pending. */
  readonly id: string;
  readonly from: string;
  readonly text: string;
  readonly ts: number;
  /** Room messages only. */
  readonly seq?: number;
  readonly pending?: boolean;
  /** A notification from a backend service rather than a person. */
  readonly notification?: boolean;
  /** Room messages: when last edited (epoch ms). */
  readonly editedAt?: number;
  readonly deleted?: boolean;
  /** Room messages: how many users hold each reaction. */
  readonly reactions?: Readonly<Record<string, number>>;
  /** Room messages: how many replies its thread has. */
  readonly replies?: number;
  readonly files?: readonly FileRef[];
}

/** The reactions the page offers on every room message. */
export const reactionChoices = ['👍', '❤️', '😂', '🎉', '👀'] as const;

export type ConversationKind = 'room' | 'dm';

/** A room or a direct conversation with one user, with what the page knows of it. */
export class Conversation {
  readonly lines: ChatLine[] = [];
  /** Direct conversations: lines that arrived while it was not in view. */
  unseen = 0;
  /** Rooms: the highest seq seen (from `/me/unread`, a join reply or a message). */
  latestSeq = 0;
  /** Rooms: the seq this user has marked read. */
  readUpTo = 0;
  /** Rooms: `before` for the next older history page; null when there is none. */
  olderBefore: number | null = null;
  historyLoaded = false;
  /** Rooms: online users and their status. */
  readonly online = new Map<string, string>();
  /** Users typing, and when their indicator lapses (epoch ms). */
  readonly typing = new Map<string, number>();
  /** Rooms: other users' read cursors. */
  readonly readBy = new Map<string, number>();
  /**
   * Rooms: the reactions this user holds, as `{seq} {reaction}`. The SDK's list counts users per
   * reaction without naming them, so the page learns its own from the reaction entries `from`
   * this user (live, or replayed by a re-join) and from its own reacts, and keeps them for the
   * tab (`sessionStorage`), so a reload still knows them.
   */
  readonly mine = new Set<string>();
  /** Rooms: the owner, as `GET /rooms/{id}` names it (unknown until asked). */
  owner: string | undefined;

  constructor(
    readonly kind: ConversationKind,
    readonly id: string,
  ) {}

  get key(): string {
    return conversationKey(this.kind, this.id);
  }

  /**
   * The badge. A room's is its latest seq less the read cursor, as the server counts it, so a
   * message seen twice (live, then again by a recovery or `/me/unread`) never counts twice.
   */
  get unread(): number {
    return this.kind === 'room' ? Math.max(0, this.latestSeq - this.readUpTo) : this.unseen;
  }

  /** Adds a line unless one with its id is there; false when it was a duplicate. */
  add(line: ChatLine): boolean {
    if (this.lines.some((l) => l.id === line.id)) return false;
    this.lines.push(line);
    this.lines.sort(byPosition);
    if (line.seq !== undefined && line.seq > this.latestSeq) this.latestSeq = line.seq;
    return true;
  }

  /** Replaces a pending line with the stored message, or drops it when the message came first. */
  settle(pendingId: string, line: ChatLine): void {
    const index = this.lines.findIndex((l) => l.id === pendingId);
    if (index >= 0) this.lines.splice(index, 1);
    this.add(line);
  }

  /**
   * Rooms: the lines become the SDK's message list (top-level messages; replies live in their
   * thread), followed by the sends still pending and settled sends the list does not hold yet.
   */
  setRoomLines(lines: ChatLine[]): void {
    const ids = new Set(lines.map((l) => l.id));
    const newest = lines.at(-1)?.seq ?? 0;
    // A send's reply can come before the list has its message: it stays until the list has it.
    const waiting = this.lines.filter((l) => l.pending || (!ids.has(l.id) && (l.seq ?? 0) > newest));
    this.lines.splice(0, this.lines.length, ...lines, ...waiting);
    this.lines.sort(byPosition);
    for (const l of lines) if (l.seq !== undefined && l.seq > this.latestSeq) this.latestSeq = l.seq;
  }

  remove(id: string): void {
    const index = this.lines.findIndex((l) => l.id === id);
    if (index >= 0) this.lines.splice(index, 1);
  }

  /** Users whose indicator has not lapsed at `now`. */
  typingUsers(now: number): string[] {
    return [...this.typing].filter(([, until]) => until > now).map(([user]) => user);
  }
}

export function conversationKey(kind: ConversationKind, id: string): string {
  return `${kind}:${id}`;
}

/** Room lines by seq; pending ones (no seq yet) last; direct lines by time. */
function byPosition(a: ChatLine, b: ChatLine): number {
  if (a.pending !== b.pending) return a.pending ? 1 : -1;
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every conversation the page knows and which one is open; views re-render on `changed`. */
export class ChatModel {
  readonly conversations = new Map<string, Conversation>();
  current: Conversation | undefined;
  /** This user's status as the server last told it (`who`), or as last set. */
  status: string | undefined;
  /** The users this user blocks (`GET /me/blocks`, then kept by block and unblock). */
  readonly blocked = new Set<string>();
  /** The page's token carries the `admin` role: it may delete anyone's room messages. */
  admin = false;
  /** The thread open beside the conversation: a room message's seq, with the replies shown. */
  thread: { readonly room: string; readonly seq: number; lines: ChatLine[] } | undefined;
  /**
   * The own room message being edited: the text typed so far (`draft`) and the message's text it
   * started from (`base`). While the two are the same, a newer text of the message (an edit from
   * another tab, or the echo of the previous save) replaces both.
   */
  editing: { readonly room: string; readonly seq: number; draft: string; base: string } | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(readonly me: string) {}

  /** The conversation, created empty when it is new. */
  get(kind: ConversationKind, id: string): Conversation {
    const key = conversationKey(kind, id);
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = new Conversation(kind, id);
      this.conversations.set(key, conversation);
    }
    return conversation;
  }

  find(kind: ConversationKind, id: string): Conversation | undefined {
    return this.conversations.get(conversationKey(kind, id));
  }

  list(kind: ConversationKind): Conversation[] {
    return [...this.conversations.values()]
      .filter((c) => c.kind === kind)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** What a message's `data` shows as: its `text` when it has one, else the JSON itself. */
export function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (typeof data === 'object' && data !== null) {
    const { text, title } = data as { text?: unknown; title?: unknown };
    if (typeof text === 'string') return text;
    if (typeof title === 'string') return title;
  }
  return JSON.stringify(data);
}
