import type { FileRef, MessageFrame, RoomMessage } from '../protocol/server-frames.ts';

/**
 * One ordinary room message as a UI renders it: its current state after every edit, delete,
 * reaction and reply the client has seen, the same whether it learned them live, from the
 * `join {since}` replay after a reconnect, or from a `history` page.
 *
 * @example
 * ```ts
 * const line = (m: RoomMessageView) =>
 *   m.deleted ? '(deleted)' : `${m.from}: ${JSON.stringify(m.data)}${m.editedAt ? ' (edited)' : ''}`;
 * ```
 */
export interface RoomMessageView {
  readonly seq: number;
  readonly id: string;
  readonly from: string;
  readonly ts: number;
  /** The latest `data`; `null` once deleted. */
  readonly data: unknown;
  /** When it was last edited (the edit entry's `ts`). */
  readonly editedAt?: number;
  readonly deleted?: true;
  /** How many users hold each reaction; a reaction nobody holds is absent. */
  readonly reactions: Readonly<Record<string, number>>;
  /** The seq of the message this one replies to. */
  readonly replyTo?: number;
  /** How many messages reply to this one. */
  readonly replies: number;
  readonly files?: readonly FileRef[];
}

/** What a room entry or a history message may carry besides the frame's own fields. */
interface EntryFields {
  /**
   * On a message a gap's recovery took from a history page: the page counts every entry up to
   * this seq already (they had arrived when it was asked for), so those are not applied again.
   */
  readonly asOf?: number;
  readonly kind?: string;
  readonly target?: number;
  readonly reaction?: string;
  readonly on?: boolean;
  readonly replyTo?: number;
  readonly editedAt?: number;
  readonly deleted?: true;
  readonly reactions?: Readonly<Record<string, number>>;
  readonly replies?: number;
}

/** A room entry as the list takes it: a live or replayed `message` frame, or a recovered history message. */
export type RoomEntry = (MessageFrame | RoomMessage) & EntryFields;

/**
 * One room's list: views in seq order, at most `max` (the newest). Views up to seq `staleTo`
 * may have missed entries (a recovery that could not bring them all): a history page replaces
 * those, where it keeps the others (the list applied every entry since it learned them).
 */
export interface MessageListState {
  readonly views: readonly RoomMessageView[];
  readonly staleTo: number;
  /** Per seq of a message taken from a recovery's history page: its {@link EntryFields.asOf}. */
  readonly asOf: Readonly<Record<number, number>>;
  readonly max: number;
}

/** The newest messages kept per room by default. */
export const defaultMessageListSize = 500;

export const emptyMessageList = (max: number): MessageListState => ({
  views: [],
  staleTo: 0,
  asOf: {},
  max,
});

/** A view of an ordinary message, with whatever current state it carries (history messages do). */
export function viewOf(m: RoomEntry): RoomMessageView {
  const view: { -readonly [K in keyof RoomMessageView]: RoomMessageView[K] } = {
    seq: m.seq as number,
    id: m.id,
    from: m.from,
    ts: m.ts,
    data: m.data, // null once deleted
    reactions: { ...m.reactions },
    replies: m.replies ?? 0,
  };
  if (m.editedAt) view.editedAt = m.editedAt;
  if (m.deleted) view.deleted = true;
  if (m.replyTo) view.replyTo = m.replyTo;
  if (m.files) view.files = m.files;
  return view;
}

const find = (state: MessageListState, seq: number) => state.views.find((v) => v.seq === seq);

/** Puts a view in, in seq order (replacing the one of its seq); past `max` the oldest go. */
function put(state: MessageListState, view: RoomMessageView): MessageListState {
  const views = [...state.views.filter((v) => v.seq !== view.seq), view].sort((a, b) => a.seq - b.seq);
  return { ...state, views: views.slice(-state.max) };
}

/** Changes the target's view, when the list holds it. */
function change(
  state: MessageListState,
  target: number | undefined,
  update: (view: RoomMessageView) => RoomMessageView,
): MessageListState {
  const view = find(state, target as number);
  const next = view && update(view);
  return next && next !== view ? put(state, next) : state;
}

/**
 * Applies one room entry, in seq order (the room tracker passes each seq once): an ordinary
 * message is added (a reply also counts on its parent); an edit replaces the target's `data`
 * and sets `editedAt`; a delete blanks it; a reaction moves one count by one. An entry whose
 * target the list does not hold is ignored: a history page brings that message in its current
 * state. Returns the same state when nothing changed.
 */
export function applyEntry(state: MessageListState, entry: RoomEntry): MessageListState {
  const { kind, asOf } = entry;
  const reaction = entry.reaction as string;
  const seq = entry.seq as number;
  // An entry the target's recovered state already counts.
  const counted = (target?: number) => (state.asOf[target as number] ?? 0) >= seq;
  if (kind === undefined) {
    if (find(state, seq)) return state;
    const added = put(asOf ? { ...state, asOf: { ...state.asOf, [seq]: asOf } } : state, viewOf(entry));
    if (counted(entry.replyTo)) return added;
    return change(added, entry.replyTo, (parent) => ({ ...parent, replies: parent.replies + 1 }));
  }
  if (counted(entry.target)) return state;
  return change(state, entry.target, (view) => {
    if (kind === 'edit')
      return view.deleted || (view.editedAt ?? 0) > entry.ts
        ? view
        : { ...view, data: entry.data, editedAt: entry.ts };
    if (kind === 'delete') return { ...view, data: null, deleted: true };
    if (kind !== 'reaction') return view;
    const reactions = { ...view.reactions };
    const count = (reactions[reaction] ?? 0) + (entry.on === false ? -1 : 1);
    if (count > 0) reactions[reaction] = count;
    else delete reactions[reaction];
    return { ...view, reactions };
  });
}

/**
 * Takes a `history` page (ordinary messages in their current state; lifecycle entries, which
 * older servers listed too, are skipped). A message the list does not hold is added; one it
 * holds keeps the list's state, which already has every entry since (the page may have been
 * read before the latest of them), unless it is stale, when the page's state replaces it.
 */
export function applyHistory(
  state: MessageListState,
  messages: readonly (RoomMessage & EntryFields)[],
): MessageListState {
  let next = state;
  for (const m of messages) {
    if (m.kind === undefined && (m.seq <= next.staleTo || !find(next, m.seq))) next = put(next, viewOf(m));
  }
  return next;
}

/** Some entries were not recovered: every view held may be behind, until a history page renews it. */
export function markStale(state: MessageListState): MessageListState {
  return { ...state, staleTo: state.views.at(-1)?.seq ?? 0 };
}
