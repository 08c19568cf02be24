import * as z from 'zod/mini';
import './schema.ts';
import { bounded, idempotencyKey, ref } from './schema-fields.ts';

/**
 * Client frames (PROTOCOL.md, "Frames: client to server"). Each schema validates one action;
 * unknown fields are ignored so that older servers accept newer clients.
 */
const userId = bounded(1, 128);
const json = z.unknown().check(z.refine((v) => v !== undefined, { message: 'data is required' }));

export const pingFrame = z.object({ action: z.literal('ping'), ref });
export const sendFrame = z.object({
  action: z.literal('send'),
  ref,
  to: userId,
  data: json,
  id: idempotencyKey,
});
export const syncFrame = z.object({
  action: z.literal('sync'),
  ref,
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(500))),
});
export const ackFrame = z.object({
  action: z.literal('ack'),
  ref,
  ids: z.array(bounded(1, 64)).check(z.minLength(1), z.maxLength(100)),
});

export type PingFrame = z.infer<typeof pingFrame>;
export type SendFrame = z.infer<typeof sendFrame>;
export type SyncFrame = z.infer<typeof syncFrame>;
export type AckFrame = z.infer<typeof ackFrame>;

/** Server frames (PROTOCOL.md, "Frames: server to client"). */
export interface MessageFrame {
  readonly type: 'message';
  readonly id: string;
  readonly from: string;
  readonly to?: string;
  readonly room?: string;
  readonly seq?: number;
  readonly data: unknown;
  readonly ts: number;
  readonly recovered?: boolean;
}

export interface NotificationFrame {
  readonly type: 'notification';
  readonly id: string;
  readonly from: string;
  readonly data: unknown;
  readonly ts: number;
}

export const replyFrame = (ref: string, result: unknown) => ({ type: 'reply' as const, ref, result });

export const errorFrame = (
  ref: string | null,
  code: string,
  message: string,
  extra?: Record<string, unknown>,
) => ({
  type: 'error' as const,
  ref,
  code,
  message,
  ...extra,
});

/** Formats zod's complaint as one readable sentence for an error frame. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Size of `data` as sent on the wire, checked against MAX_DATA_BYTES. */
export const dataBytes = (data: unknown): number => Buffer.byteLength(JSON.stringify(data) ?? '', 'utf8');
