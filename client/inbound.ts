import type { RoomEventFrame } from '../protocol/events.ts';
import type { MessageFrame, NotificationFrame } from '../protocol/server-frames.ts';
import { WaveletError } from './errors.ts';

/** Where each kind of server frame goes. */
export interface InboundTargets {
  /** A `reply` or `error` frame; false when it answers no request of ours. */
  readonly answer: (frame: { type: string } & Record<string, unknown>) => boolean;
  readonly roomMessage: (message: MessageFrame) => void;
  readonly inboxFrame: (frame: MessageFrame | NotificationFrame) => void;
  readonly roomEvent: (event: RoomEventFrame) => void;
  readonly error: (error: WaveletError) => void;
}

const roomEvents = new Set(['joined', 'left', 'presence', 'typing', 'read']);

/**
 * Parses one frame from the server and hands it on: replies to their requests, room messages
 * to the rooms (ordered and deduplicated by seq), direct messages and notifications to the
 * inbox (deduplicated by id), events by name. Nothing the server sends can throw here.
 */
export function routeFrame(text: string, to: InboundTargets): void {
  const frame = parseObject(text);
  if (!frame) {
    to.error(new WaveletError('INTERNAL', `Unreadable frame from the server: ${text.slice(0, 100)}`));
    return;
  }
  switch (frame.type) {
    case 'reply':
    case 'error':
      if (!to.answer(frame as { type: string }) && frame.type === 'error') to.error(errorOf(frame));
      return;
    case 'message': {
      const message = frame as unknown as MessageFrame;
      if (message.room !== undefined && message.seq !== undefined) to.roomMessage(message);
      else to.inboxFrame(message);
      return;
    }
    case 'notification':
      to.inboxFrame(frame as unknown as NotificationFrame);
      return;
    case 'event':
      if (typeof frame.event === 'string' && roomEvents.has(frame.event))
        to.roomEvent(frame as unknown as RoomEventFrame);
      return;
    case 'pong':
      return;
    default:
      // API Gateway's own frames: {"message": "Internal server error", ...} or "Forbidden".
      if (typeof frame.message === 'string')
        to.error(new WaveletError('INTERNAL', `Gateway: ${frame.message}`));
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An error frame that answers no request (a frame sent without `ref`, such as `typing`). */
function errorOf(frame: Record<string, unknown>): WaveletError {
  const code = typeof frame.code === 'string' ? frame.code : 'INTERNAL';
  return new WaveletError(code, typeof frame.message === 'string' ? frame.message : code, {
    retryAfterMs: typeof frame.retryAfterMs === 'number' ? frame.retryAfterMs : undefined,
  });
}
