/**
 * The wavelet client SDK: `import { WaveletClient } from '@wavelet/client'`. Runs in browsers
 * (native WebSocket) and in Node (pass `ws` as the `WebSocket` option); no Node-only imports.
 */
export { type BackoffOptions, backoffDelay } from './backoff.ts';
export { WaveletClient, type WaveletEvents } from './client.ts';
export type { ConnectionState } from './connection.ts';
export { type ClientErrorCode, type ServerErrorCode, WaveletError, type WaveletErrorCode } from './errors.ts';
export type {
  HistoryPage,
  JoinResult,
  MembershipEvent,
  MessageFrame,
  NotificationFrame,
  OnlineUser,
  PresenceEvent,
  PresenceStatus,
  PublishResult,
  ReadEvent,
  RoomMessage,
  SendResult,
  TypingEvent,
} from './frames.ts';
export type { WaveletClientOptions, WebSocketConstructor, WebSocketLike } from './options.ts';
export type { GapEvent } from './room-tracker.ts';
