import { nowMs } from '../shared/clock.ts';

/**
 * The `data` of every load-test message: `lt` identifies it (worker and counter), `t` is the
 * send time in epoch ms (end-to-end latency is the receipt time minus `t`), `p` pads the data
 * to the requested size.
 */
export interface LoadData {
  readonly lt: string;
  readonly t: number;
  readonly p: string;
}

const overhead = JSON.stringify({ lt: '', t: 1_700_000_000_000.123, p: '' }).length;

/** Builds a message's data of about `size` bytes (JSON-encoded; never less than the fields need). */
export function makeData(key: string, size: number): LoadData {
  const pad = Math.max(0, size - overhead - key.length);
  return { lt: key, t: Math.round(nowMs() * 1000) / 1000, p: 'x'.repeat(pad) };
}

/** The load-test fields of a received frame's data, when it is one of ours. */
export function readData(data: unknown): { key: string; sentAt: number } | undefined {
  const d = data as Partial<LoadData> | null | undefined;
  if (!d || typeof d.lt !== 'string' || typeof d.t !== 'number') return undefined;
  return { key: d.lt, sentAt: d.t };
}
