import { readFileSync } from 'node:fs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Items of the table counted by the part of `pk` before its first `#` (`INBOX`, `ROOM`, ...).
 * Rate-limit windows (`RATE#`) are left out: counting frames is what they are for, and the
 * frame budget counts invalid frames too.
 */
export type Census = Record<string, number>;

export const excludedPrefixes = ['RATE'];

export async function takeCensus(db: DynamoDBDocumentClient, tableName: string): Promise<Census> {
  const census: Census = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk', ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const prefix = String(item.pk).split('#')[0] ?? '';
      if (excludedPrefixes.includes(prefix)) continue;
      census[prefix] = (census[prefix] ?? 0) + 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return census;
}

/** Prefixes whose count differs, with both counts. */
export function censusChanges(
  before: Census,
  after: Census,
): Record<string, { before: number; after: number }> {
  const changes: Record<string, { before: number; after: number }> = {};
  for (const prefix of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[prefix] ?? 0;
    const a = after[prefix] ?? 0;
    if (a !== b) changes[prefix] = { before: b, after: a };
  }
  return changes;
}

export const formatCensus = (census: Census): string =>
  Object.keys(census)
    .sort()
    .map((prefix) => `${prefix} ${census[prefix]}`)
    .join(', ') || '(empty)';

/** Resident set size in MB of this process (where the runtime's handlers run) or of a child. */
export function rssMb(pid?: number): number {
  if (pid === undefined) return process.memoryUsage().rss / 2 ** 20;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Counts by key, printed as `KEY n, KEY n`. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  toString(): string {
    return (
      [...this.counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || '(none)'
    );
  }
}

/** The fuzz seed: fixed, so that a red run can be replayed; FUZZ_SEED picks another. */
export const fuzzSeed = (fallback: number): number =>
  process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fallback;

/** A frame or body cut to a readable length for a failure list. */
export const excerpt = (text: string, max = 160): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;

/**
 * FUZZ_EXCLUDE=a,b leaves out the inputs whose label contains `a` or `b`: a way to look past a
 * known failure at the rest. Empty (everything runs) unless set.
 */
export const excludedByEnv = (label: string): boolean =>
  (process.env.FUZZ_EXCLUDE ?? '').split(',').some((part) => part !== '' && label.includes(part));

/**
 * CPU seconds used so far by this process and, when given, a child (the local DynamoDB): what a
 * fuzz run costs, which wall time on a busy machine does not tell.
 */
export function cpuSeconds(childPid?: number): number {
  const { user, system } = process.cpuUsage();
  let child = 0;
  if (childPid !== undefined) {
    try {
      const fields = readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 a second).
      child = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      child = 0;
    }
  }
  return (user + system) / 1e6 + child;
}
