import type { QueueStore } from './queue-store.ts';
import { invalidParameter, missingParameter } from './sqs-error.ts';

/** What an operation sees besides its input. */
export interface OperationContext {
  readonly store: QueueStore;
  /** The caller's access key id, reported as `SenderId`. */
  readonly senderId: string;
  /** Aborts when the client goes away or the endpoint closes, ending long polls early. */
  readonly signal: AbortSignal;
  /** Time after a purge during which another purge of the queue is refused. */
  readonly purgeCooldownMs: number;
}

/** The JSON request body of one call. */
export type OperationInput = Readonly<Record<string, unknown>>;

export type SqsOperation = (input: OperationInput, context: OperationContext) => unknown;

export function readString(input: OperationInput, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw missingParameter(name);
  return value;
}

/** An optional whole number within SQS's documented bounds. */
export function readInteger(
  input: OperationInput,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < bounds.min || number > bounds.max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be an integer from ${bounds.min} to ${bounds.max}.`,
    );
  }
  return number;
}

export function readList(input: OperationInput, name: string): unknown[] {
  const value = input[name];
  return Array.isArray(value) ? value : [];
}

export function readStringMap(input: OperationInput, name: string): Record<string, string> {
  const value = input[name];
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]));
}
