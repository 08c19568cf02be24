/**
 * The wavelet client SDK: `import { WaveletClient } from '@wavelet/client'`. Runs in browsers
 * (native WebSocket) and in Node (pass `ws` as the `WebSocket` option); no Node-only imports.
 * Frame, result and error-code types are the protocol's own (`protocol/`, docs/protocol.md).
 */

export type {
  MembershipEvent,
  PresenceEvent,
  PresenceStatus,
  ReadEvent,
  TypingEvent,
} from '../protocol/events.ts';
export type {
  BlockResult,
  HistoryPage,
  JoinResult,
  OnlineUser,
  PublishResult,
  RefreshResult,
  SendResult,
} from '../protocol/results.ts';
export type { MessageFrame, NotificationFrame, RoomMessage } from '../protocol/server-frames.ts';
export { type BackoffOptions, backoffDelay } from './backoff.ts';
export { WaveletClient, type WaveletEvents } from './client.ts';
export type { ConnectionState } from './connection.ts';
export { type ClientErrorCode, type ServerErrorCode, WaveletError, type WaveletErrorCode } from './errors.ts';
export type { RoomMessageView } from './message-list.ts';
export type { TicketGrant, WaveletClientOptions, WebSocketConstructor, WebSocketLike } from './options.ts';
export type { GapEvent } from './room-tracker.ts';
export type { BlobLike, UploadBody, UploadOptions } from './uploads.ts';
