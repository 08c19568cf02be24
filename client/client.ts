import type {
  MembershipEvent,
  PresenceEvent,
  PresenceStatus,
  ReadEvent,
  TypingEvent,
} from '../protocol/events.ts';
import { maxAckIds } from '../protocol/limits.ts';
import type {
  BlockResult,
  HistoryPage,
  JoinResult,
  OnlineUser,
  PublishResult,
  RefreshResult,
  SendResult,
  WhoResult,
} from '../protocol/results.ts';
import type { MessageFrame, NotificationFrame } from '../protocol/server-frames.ts';
import { Connection, type ConnectionState } from './connection.ts';
import { subjectOf } from './credentials.ts';
import { Emitter } from './emitter.ts';
import { WaveletError } from './errors.ts';
import { Heartbeat } from './heartbeat.ts';
import { newIdempotencyKey } from './ids.ts';
import { routeFrame } from './inbound.ts';
import { Inbox } from './inbox.ts';
import {
  applyEntry,
  applyHistory,
  emptyMessageList,
  type MessageListState,
  markStale,
  type RoomMessageView,
} from './message-list.ts';
import { type ResolvedOptions, resolveOptions, type WaveletClientOptions } from './options.ts';
import { CredentialRefresher, isCredentialExpired } from './refresher.ts';
import { type OutgoingFrame, type RequestOptions, Requests } from './requests.ts';
import type { GapEvent } from './room-tracker.ts';
import { Rooms } from './rooms.ts';
import { type UploadBody, type UploadOptions, uploadFile } from './uploads.ts';

/**
 * The client's events and what their listeners receive.
 *
 * @example
 * ```ts
 * const onError = (error: WaveletEvents['error']) => console.warn(error.code, error.message);
 * client.on('error', onError);
 * ```
 */
export interface WaveletEvents {
  /** A direct or room message; each id once, each room in seq order. */
  message: MessageFrame;
  notification: NotificationFrame;
  joined: MembershipEvent;
  left: MembershipEvent;
  presence: PresenceEvent;
  typing: TypingEvent;
  read: ReadEvent;
  state: ConnectionState;
  gap: GapEvent;
  /** A room's message list ({@link WaveletClient.messages}) changed. */
  messages: { readonly room: string };
  /** Non-fatal problems: a failed connection attempt, an error frame without a ref, a failed ack. */
  error: WaveletError;
  /**
   * The connection's credential could not be refreshed before it expired: the ticket or token
   * function threw (`AUTH_FAILED`), the server refused the new one (`UNAUTHORIZED`, `FORBIDDEN`),
   * a frame was refused "credential expired", or a fixed token cannot be refreshed.
   */
  expired: WaveletError;
}

/** `files` goes on the frame only when it names some. */
const filesOf = (options: { files?: string[] }) =>
  options.files && options.files.length > 0 ? { files: options.files } : {};

/**
 * A wavelet client for browsers and Node: one logical connection that reconnects by itself,
 * syncs the inbox after every open, acknowledges what it delivered, drops duplicates, re-joins
 * its rooms and recovers what it missed, queues frames while away, and sends heartbeats.
 *
 * @example Browser
 * ```ts
 * import { WaveletClient } from '@wavelet/client';
 *
 * const client = new WaveletClient({
 *   url: 'wss://abc123.execute-api.eu-west-1.amazonaws.com/prod',
 *   ticket: async () => (await (await fetch('/api/ticket', { method: 'POST' })).json()).ticket,
 * });
 * client.on('message', (m) => console.log(m.from, m.data));
 * await client.connect();
 * await client.join('general');
 * await client.publish('general', { text: 'hello' });
 * ```
 *
 * @example Node
 * ```ts
 * import WebSocket from 'ws';
 * const client = new WaveletClient({ url: 'ws://127.0.0.1:8080', token: process.env.TOKEN, WebSocket });
 * await client.connect();
 * await client.send('bob', { text: 'hi' });
 * ```
 */

export class WaveletClient {
  private readonly options: ResolvedOptions;
  private readonly events = new Emitter<WaveletEvents>();
  private readonly connection: Connection;
  private readonly requests: Requests;
  private readonly heartbeat: Heartbeat;
  private readonly inbox: Inbox;
  private readonly rooms: Rooms;
  /** Each joined room's message list (message-list.ts has how entries and pages change one). */
  private readonly lists = new Map<string, MessageListState>();
  private readonly refresher: CredentialRefresher;
  /** The expiry of the credential the current attempt used, for the refresher once it opens. */
  private attemptExpiry?: number;
  private waiters: { resolve: () => void; reject: (error: WaveletError) => void }[] = [];
  private closedByUser = false;
  private knownUserId?: string;

  constructor(options: WaveletClientOptions) {
    this.options = resolveOptions(options);
    this.knownUserId =
      options.userId ?? (typeof options.token === 'string' ? subjectOf(options.token) : undefined);
    this.connection = new Connection(this.options, {
      opened: () => this.opened(),
      frame: (text) => this.received(text),
      lost: () => this.lost(),
      state: (state) => this.events.emit('state', state),
      error: (error) => this.events.emit('error', error),
      gaveUp: (error) => this.gaveUp(error),
      token: (token) => {
        this.knownUserId = options.userId ?? subjectOf(token) ?? this.knownUserId;
      },
      credentialExpiry: (expiresAt) => {
        this.attemptExpiry = expiresAt;
      },
    });
    this.refresher = new CredentialRefresher({
      options: this.options,
      send: (credential) =>
        this.request<RefreshResult>({ action: 'refresh', ...credential }, { internal: true, resend: false }),
      failed: (error) => this.events.emit('expired', error),
      reconnect: () => this.connection.drop('credential refused'),
    });
    this.requests = new Requests({
      write: (text) => {
        const written = this.connection.write(text);
        if (written) this.heartbeat.sent();
        return written;
      },
      requestTimeoutMs: this.options.requestTimeoutMs,
      maxQueuedFrames: this.options.maxQueuedFrames,
      rateLimitRetries: this.options.rateLimitRetries,
    });
    this.heartbeat = new Heartbeat({
      idleMs: this.options.heartbeatMs,
      lastSeenMs: this.options.lastSeenMs,
      deadSocketMs: this.options.deadSocketMs,
      ping: () =>
        this.request({ action: 'ping' }, { internal: true, resend: false }, this.options.heartbeatTimeoutMs),
      onDead: () => this.connection.drop('heartbeat timeout'),
    });
    this.inbox = new Inbox({
      request: (frame, requestOptions) => this.request(frame, requestOptions),
      deliver: (frame) =>
        frame.type === 'message'
          ? this.events.emit('message', frame)
          : this.events.emit('notification', frame),
      error: (error) => this.events.emit('error', error),
      synced: () => this.connection.markHealthy(),
      post: (frame) => {
        const written = this.connection.write(JSON.stringify(frame));
        if (written) this.heartbeat.sent();
        return written;
      },
      autoAck: this.options.autoAck,
      ackDelayMs: this.options.ackDelayMs,
      dedupeWindow: this.options.dedupeWindow,
    });
    this.rooms = new Rooms({
      request: (frame, requestOptions) => this.request(frame, requestOptions),
      deliver: (message) => {
        if (message.room !== undefined) this.updateList(message.room, (list) => applyEntry(list, message));
        this.events.emit('message', message);
      },
      gap: (event) => {
        // Missed entries leave the list behind (a history page renews it); a new epoch empties it.
        if ('complete' in event)
          this.updateList(event.room, (list) => (event.reason === 'epoch' ? undefined : markStale(list)));
        this.events.emit('gap', event);
      },
      error: (error) => this.events.emit('error', error),
    });
  }

  /**
   * The connection state: `closed` before `connect()` and after `close()`.
   *
   * @example
   * ```ts
   * if (client.state !== 'open') showOfflineBanner();
   * ```
   */
  get state(): ConnectionState {
    return this.connection.state;
  }

  /**
   * The user's id: the `userId` option, else the `sub` of the token when one is used.
   *
   * @example
   * ```ts
   * const mine = (m: MessageFrame) => m.from === client.userId;
   * ```
   */
  get userId(): string | undefined {
    return this.knownUserId;
  }

  /**
   * Connects; resolves once the socket is open and the inbox `sync` went out. A failed attempt
   * is retried with backoff (each reported as an `error` event); rejects only when
   * `reconnect.maxAttempts` attempts failed (`CONNECTION_FAILED`), the server refused the
   * credential even after a fresh one (`AUTH_FAILED`), or `close()` was called meanwhile.
   *
   * @example
   * ```ts
   * await client.connect();
   * ```
   */
  connect(): Promise<void> {
    this.closedByUser = false;
    if (this.connection.state === 'open') return Promise.resolve();
    const opened = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.connection.start();
    return opened;
  }

  /**
   * Closes the connection for good (no reconnect); pending and queued requests reject with
   * `CLOSED`. `connect()` may be called again later.
   *
   * @example
   * ```ts
   * window.addEventListener('pagehide', () => void client.close());
   * ```
   */
  async close(): Promise<void> {
    this.closedByUser = true;
    this.inbox.closing();
    this.heartbeat.stop();
    this.refresher.stop();
    this.inbox.connectionLost();
    const error = closedError();
    this.requests.rejectAll(error);
    this.settleWaiters(error);
    await this.connection.stop();
  }

  /**
   * Adds a listener; returns a function that removes it.
   *
   * @example
   * ```ts
   * const stop = client.on('gap', (gap) => {
   *   if ('complete' in gap) reloadRoom(gap.room); // some messages could not be recovered
   * });
   * stop();
   * ```
   */
  on<E extends keyof WaveletEvents>(event: E, listener: (payload: WaveletEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Removes a listener added with `on`.
   *
   * @example
   * ```ts
   * client.off('message', onMessage);
   * ```
   */
  off<E extends keyof WaveletEvents>(event: E, listener: (payload: WaveletEvents[E]) => void): void {
    this.events.off(event, listener);
  }

  /**
   * Sends a direct message to every connection of user `to` (stored in their inbox until
   * acknowledged). The idempotency `id` is generated when not given and kept on every resend,
   * so a message resent after a reconnect is delivered once. Rejects with `INBOX_FULL` when this
   * user already has `INBOX_MAX_PER_SENDER` (100 by default) messages in `to`'s inbox that `to`
   * has not acknowledged yet: nothing was stored; try again once `to` has read some.
   *
   * @example
   * ```ts
   * try {
   *   const { messageId } = await client.send('bob', { text: 'lunch?' });
   * } catch (error) {
   *   if (error instanceof WaveletError && error.code === 'INBOX_FULL') showNotice('bob has not read your messages yet');
   *   else throw error;
   * }
   * ```
   */
  send(to: string, data: unknown, options: { id?: string; files?: string[] } = {}): Promise<SendResult> {
    const id = options.id ?? newIdempotencyKey();
    return this.request<SendResult>({ action: 'send', to, data, id, ...filesOf(options) });
  }

  /**
   * Uploads a file (a browser `File` or `Blob`, or a Node `Buffer`) with `POST /uploads` and the
   * presigned `PUT`, and resolves with its id, to name in `files` of `send` or `publish` (at most
   * 10 per message). Needs the `httpUrl` and `token` options.
   *
   * @example
   * ```ts
   * const fileId = await client.upload(input.files[0]);
   * await client.publish('general', { text: 'the plan' }, { files: [fileId] });
   * ```
   */
  upload(file: UploadBody, options: UploadOptions = {}): Promise<string> {
    return uploadFile(this.options, file, options);
  }

  /**
   * Publishes to a room (stored in its history with the next `seq`). Like `send`, it carries an
   * idempotency `id`, generated when not given. The message also comes back as a `message`
   * event, as it does to the user's other tabs, so every view shows the room in seq order.
   *
   * @example
   * ```ts
   * const { seq } = await client.publish('general', { text: 'hello' });
   * await client.publish('general', { text: 'agreed' }, { replyTo: seq }); // in seq's thread
   * ```
   */
  publish(
    room: string,
    data: unknown,
    options: { id?: string; files?: string[]; replyTo?: number } = {},
  ): Promise<PublishResult> {
    const id = options.id ?? newIdempotencyKey();
    const { replyTo } = options;
    return this.request<PublishResult>({ action: 'publish', room, data, id, replyTo, ...filesOf(options) });
  }

  /**
   * Replies to room message `seq` (a thread): a publish with `replyTo`, with the same `id` and
   * `files` options. The reply is an ordinary room message; its parent's `replies` count in
   * {@link messages} moves by one. Rejects with `NOT_FOUND` when `seq` is not a message of the
   * room (or is deleted).
   *
   * @example
   * ```ts
   * await client.reply('general', 12, { text: 'agreed' });
   * const thread = await client.history('general', { replyTo: 12 });
   * ```
   */
  reply(
    room: string,
    seq: number,
    data: unknown,
    options: { id?: string; files?: string[] } = {},
  ): Promise<PublishResult> {
    return this.publish(room, data, { ...options, replyTo: seq });
  }

  /**
   * Replaces the `data` of the user's own room message `seq`. The edit is a room entry of its
   * own (its seq is the reply's): every subscriber, and a client that comes back later with
   * `join {since}`, applies it, and {@link messages} shows the new `data` with `editedAt`.
   * Rejects with `FORBIDDEN` (someone else's message) or `NOT_FOUND` (no such message, or
   * deleted). Carries an idempotency `id` like `publish`.
   *
   * @example
   * ```ts
   * await client.edit('general', 12, { text: 'hello, world' });
   * ```
   */
  edit(room: string, seq: number, data: unknown, options: { id?: string } = {}): Promise<{ seq: number }> {
    return this.change({ action: 'edit', room, seq, data }, options);
  }

  /**
   * Deletes room message `seq` (the author's, or any as the room's owner or an admin): it stays
   * in {@link messages} with `deleted: true` and `data: null`. Rejects with `FORBIDDEN` or
   * `NOT_FOUND` (no such message, or already deleted).
   *
   * @example
   * ```ts
   * await client.delete('general', 12);
   * ```
   */
  delete(room: string, seq: number, options: { id?: string } = {}): Promise<{ seq: number }> {
    return this.change({ action: 'delete', room, seq }, options);
  }

  /**
   * Adds the user's `reaction` (1 to 32 characters, e.g. an emoji) to room message `seq`, or
   * with `on = false` removes it; each user holds each reaction once, so adding it twice
   * changes nothing. {@link messages} counts the users per reaction.
   *
   * @example
   * ```ts
   * await client.react('general', 12, '👍');
   * await client.react('general', 12, '👍', false);
   * ```
   */
  react(
    room: string,
    seq: number,
    reaction: string,
    on = true,
    options: { id?: string } = {},
  ): Promise<{ seq: number }> {
    return this.change({ action: 'react', room, seq, reaction, on }, options);
  }

  /**
   * The room's ordinary messages in seq order, each in its current state (edits, deletes,
   * reactions and reply counts applied), for a UI to render; the `messages` event says when it
   * changed. It fills with what arrives after `join` (live, and replayed after a reconnect) and
   * with the pages `history` loads; it keeps the newest `messageListSize` (500) messages, is
   * emptied by `leave` and starts over when the room is created again (a `gap` with
   * `reason: 'epoch'`). The array is replaced, never changed, on each change.
   *
   * @example
   * ```ts
   * await client.join('general');
   * await client.history('general'); // the latest 50, into the list
   * client.on('messages', ({ room }) => render(client.messages(room)));
   * ```
   */
  messages(room: string): readonly RoomMessageView[] {
    return this.lists.get(room)?.views ?? [];
  }

  /**
   * Subscribes to a room (creating a public room that does not exist). The room is remembered:
   * after a reconnect it is joined again with `since` (the last seq delivered) and `epoch`, so
   * the messages missed meanwhile arrive, in order, before new ones. The first join starts at the
   * room's present; load older messages with `history`.
   *
   * @example
   * ```ts
   * const { seq } = await client.join('general');
   * const { messages } = await client.history('general', { before: seq + 1, limit: 50 });
   * ```
   */
  join(room: string): Promise<JoinResult> {
    if (this.closedByUser) return Promise.reject(closedError());
    return this.rooms.join(room);
  }

  /**
   * Unsubscribes from a room and forgets it (no re-join); `{ member: false }` also ends the
   * membership.
   *
   * @example
   * ```ts
   * await client.leave('general', { member: false });
   * ```
   */
  leave(room: string, options: { member?: boolean } = {}): Promise<{ room: string }> {
    this.rooms.leave(room);
    this.updateList(room, () => undefined);
    const frame: OutgoingFrame = { action: 'leave', room };
    if (options.member !== undefined) frame.member = options.member;
    return this.request<{ room: string }>(frame);
  }

  /**
   * A page of room history, newest first, each message in its current state; pass `next` as
   * `before` for the following page. With `replyTo`, the replies to that message (a thread).
   * The page also goes into the room's {@link messages} list when the room is joined.
   *
   * @example
   * ```ts
   * const page = await client.history('general', { limit: 50 });
   * if (page.next !== null) await client.history('general', { before: page.next });
   * const thread = await client.history('general', { replyTo: 12 });
   * ```
   */
  async history(
    room: string,
    options: { before?: number; limit?: number; replyTo?: number } = {},
  ): Promise<HistoryPage> {
    const page = await this.request<HistoryPage>({ action: 'history', room, ...options });
    if (this.rooms.names().includes(room)) this.updateList(room, (list) => applyHistory(list, page.messages));
    return page;
  }

  /**
   * A read receipt: the room sees a `read` event; resolves with the user's unread count.
   *
   * @example
   * ```ts
   * await client.read('general', lastSeenSeq);
   * ```
   */
  read(room: string, upTo: number): Promise<{ unread: number }> {
    return this.request<{ unread: number }>({ action: 'read', room, upTo });
  }

  /**
   * Tells the room's other subscribers that the user is typing. Ephemeral: dropped, not queued,
   * when there is no open connection.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => client.typing('general', 'start'));
   * ```
   */
  typing(room: string, state: 'start' | 'stop'): void {
    this.connection.write(JSON.stringify({ action: 'typing', room, state }));
  }

  /**
   * Sets the user's presence status (kept by the server and announced to the user's rooms).
   *
   * @example
   * ```ts
   * await client.setStatus('away');
   * ```
   */
  setStatus(status: PresenceStatus): Promise<{ status: string }> {
    return this.request<{ status: string }>({ action: 'status', status });
  }

  /**
   * A page of the room's online users (up to 500, in user id order); `next`, when present, is
   * the `cursor` of the following page. {@link whoAll} pages for you.
   *
   * @example
   * ```ts
   * const { users, next } = await client.who('general'); // [{ user: 'bob', status: 'away' }]
   * if (next) await client.who('general', { cursor: next });
   * ```
   */
  who(room: string, options: { cursor?: string } = {}): Promise<WhoResult> {
    return this.request<WhoResult>({
      action: 'who',
      room,
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
  }

  /**
   * Every online user of the room, one `who` request per page.
   *
   * @example
   * ```ts
   * const everyone = await client.whoAll('general');
   * ```
   */
  async whoAll(room: string): Promise<OnlineUser[]> {
    const users: OnlineUser[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.who(room, cursor ? { cursor } : {});
      users.push(...page.users);
      cursor = page.next;
    } while (cursor);
    return users;
  }

  /**
   * Blocks a user: their direct messages to this user are no longer stored or delivered (they
   * are not told; their `send` resolves as usual). Resolves with how many users this user
   * blocks; blocking someone twice counts once. Listing the blocked users is an HTTP call,
   * `GET /me/blocks`, for the app's backend or page (the SDK only speaks WebSocket).
   *
   * @example
   * ```ts
   * const { blocked } = await client.block('mallory');
   * ```
   */
  block(user: string): Promise<BlockResult> {
    return this.request<BlockResult>({ action: 'block', user });
  }

  /**
   * Unblocks a user: their next direct messages arrive again (those sent while blocked are
   * gone). Resolves with how many users this user still blocks.
   *
   * @example
   * ```ts
   * const { blocked } = await client.unblock('mallory');
   * ```
   */
  unblock(user: string): Promise<BlockResult> {
    return this.request<BlockResult>({ action: 'unblock', user });
  }

  /**
   * A round trip to the server; resolves with the server's time.
   *
   * @example
   * ```ts
   * const { ts } = await client.ping();
   * ```
   */
  ping(): Promise<{ ts: number }> {
    return this.request<{ ts: number }>({ action: 'ping' });
  }

  /**
   * Acknowledges direct messages and notifications (at most 100 ids a frame, split as needed),
   * so they leave the inbox. Only needed with `autoAck: false`.
   *
   * @example
   * ```ts
   * client.on('message', async (m) => {
   *   if (m.to) await client.ack([m.id]);
   * });
   * ```
   */
  async ack(ids: readonly string[]): Promise<{ acked: number }> {
    let acked = 0;
    for (let i = 0; i < ids.length; i += maxAckIds) {
      const result = await this.request<{ acked: number }>({
        action: 'ack',
        ids: ids.slice(i, i + maxAckIds),
      });
      acked += result.acked;
    }
    return { acked };
  }

  /** Changes a room's list, and says so; a change giving `undefined` forgets the list. */
  private updateList(room: string, apply: (list: MessageListState) => MessageListState | undefined): void {
    const list = this.lists.get(room) ?? emptyMessageList(this.options.messageListSize);
    const next = apply(list);
    if (next === list || !(next || this.lists.delete(room))) return;
    if (next) this.lists.set(room, next);
    this.events.emit('messages', { room });
  }

  /** An edit, delete or react, with its idempotency `id`; resolves with the new entry's seq. */
  private change(frame: OutgoingFrame, options: { id?: string }): Promise<{ seq: number }> {
    return this.request({ ...frame, id: options.id ?? newIdempotencyKey() });
  }

  private request<T>(
    frame: OutgoingFrame | (() => OutgoingFrame),
    options: RequestOptions = {},
    timeoutMs?: number,
  ): Promise<T> {
    if (this.closedByUser) return Promise.reject(closedError());
    const build = typeof frame === 'function' ? frame : () => frame;
    const answer = this.requests.request<T>(build, { ...options, timeoutMs });
    // An unanswered request hints at a dead socket: check now rather than at the next heartbeat.
    if (!options.internal) answer.catch((error) => isTimeout(error) && this.heartbeat.probe());
    answer.catch((error) => isCredentialExpired(error) && this.refresher.refused(error));
    return answer;
  }

  private opened(): void {
    this.heartbeat.start();
    this.refresher.opened(this.attemptExpiry);
    // Sync first: API Gateway could not post anything while $connect ran.
    void this.inbox.sync();
    this.rooms.rejoinAll();
    this.requests.flush();
    this.settleWaiters();
  }

  private lost(): void {
    this.heartbeat.stop();
    this.refresher.stop();
    this.inbox.connectionLost();
    this.requests.connectionLost();
  }

  private gaveUp(error: WaveletError): void {
    this.heartbeat.stop();
    this.refresher.stop();
    this.events.emit('error', error);
    this.requests.rejectAll(error);
    this.settleWaiters(error);
  }

  private settleWaiters(error?: WaveletError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private received(text: string): void {
    this.heartbeat.received();
    routeFrame(text, {
      answer: (frame) => this.requests.handleAnswer(frame),
      roomMessage: (message) => this.rooms.receive(message),
      inboxFrame: (frame) => this.inbox.receive(frame),
      // Each event goes out under its own name, with its own payload type.
      roomEvent: (event) => this.events.emit(event.event, event as never),
      error: (error) => {
        if (isCredentialExpired(error)) this.refresher.refused(error);
        this.events.emit('error', error);
      },
    });
  }
}

const isTimeout = (error: unknown) => error instanceof WaveletError && error.code === 'TIMEOUT';
const closedError = () => new WaveletError('CLOSED', 'The client was closed');
