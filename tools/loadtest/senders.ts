import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { nowMs } from '../shared/clock.ts';
import { makeData } from './payload.ts';
import type { LoadConnection, LoadWorker } from './worker.ts';
import { bump } from './worker-result.ts';

/** Sends one scenario message at a time, round robin over the scenario's senders. */
export interface Sender {
  /** Messages handed to the server so far. */
  readonly sent: number;
  /** Called when the sending phase begins (the set of live senders is fixed then). */
  start(): void;
  /** Sends one message; false when it cannot now (too many in flight) and should be retried. */
  sendOne(): boolean;
  /** Sends whose reply (or SQS answer) has not come yet. */
  outstanding(): number;
  stop(): Promise<void>;
}

/** Round robin over a list that is fixed when sending starts. */
function roundRobin<T>() {
  let items: T[] = [];
  let next = 0;
  return {
    set(list: T[]) {
      items = list;
    },
    next(): T | undefined {
      if (items.length === 0) return undefined;
      next = (next + 1) % items.length;
      return items[next];
    },
  };
}

export function createSender(worker: LoadWorker): Sender {
  switch (worker.plan.scenario) {
    case 'notify':
      return notifySender(worker);
    case 'idle':
      return frameSender(worker, () => undefined);
    default:
      return frameSender(worker, frameBuilder(worker));
  }
}

type Built = {
  conn: LoadConnection;
  kind: 'echo' | 'send' | 'publish';
  frame: Record<string, unknown>;
  room?: string;
  recipients: number;
};

/** The next frame of a WebSocket scenario (echo, direct, room), with its audience size. */
function frameBuilder(worker: LoadWorker) {
  const { plan } = worker;
  const senders = roundRobin<LoadConnection>();
  let started = false;
  return (key: string): Built | undefined => {
    if (!started) {
      started = true;
      senders.set(liveSenders(worker));
    }
    const conn = senders.next();
    if (!conn) return undefined;
    const data = () => makeData(key, plan.size);
    if (plan.scenario === 'echo') return { conn, kind: 'echo', frame: { action: 'ping' }, recipients: 1 };
    if (plan.scenario === 'direct') {
      const partner = worker.byIndex.get(conn.index ^ 1) as LoadConnection;
      return {
        conn,
        kind: 'send',
        frame: { action: 'send', to: partner.userId, data: data() },
        recipients: 1,
      };
    }
    const room = conn.room as string;
    const recipients = worker.audiences.get(room)?.length ?? 0;
    return { conn, kind: 'publish', frame: { action: 'publish', room, data: data() }, room, recipients };
  };
}

/** Senders whose messages have a live audience when sending starts. */
function liveSenders(worker: LoadWorker): LoadConnection[] {
  const { plan } = worker;
  if (plan.scenario === 'room') {
    const publishers = new Set(plan.rooms.flatMap((r) => r.publishers));
    return worker.connections.filter((c) => c.open && c.room && publishers.has(c.index));
  }
  if (plan.scenario === 'direct') {
    return worker.connections.filter((c) => c.open && worker.byIndex.get(c.index ^ 1)?.open);
  }
  return worker.connections.filter((c) => c.open);
}

function frameSender(worker: LoadWorker, build: (key: string) => Built | undefined): Sender {
  let sent = 0;
  let counter = 0;
  return {
    get sent() {
      return sent;
    },
    start() {},
    sendOne() {
      counter += 1;
      const key = `${worker.plan.worker}.${counter}`;
      const next = build(key);
      if (!next?.conn.open) {
        bump(worker.errors, 'NO_LIVE_SENDER');
        return true;
      }
      const ref = `m${key}`;
      worker.ledger.expect(key, next.recipients);
      worker.pending.set(ref, { kind: next.kind, key, sentAt: nowMs(), room: next.room });
      worker.sendFrame(next.conn, { ...next.frame, ref });
      worker.noteSent();
      sent += 1;
      return true;
    },
    outstanding() {
      let n = 0;
      for (const p of worker.pending.values())
        if (p.kind === 'send' || p.kind === 'publish' || p.kind === 'echo') n++;
      return n;
    },
    async stop() {},
  };
}

const maxSqsInFlight = 64;

/**
 * Notifications go through the notifications queue, one user per record, round robin over the
 * connected users; the SQS client is the AWS SDK's, pointed at the local endpoint or AWS.
 */
function notifySender(worker: LoadWorker): Sender {
  const sqs = worker.plan.sqs;
  if (!sqs) throw new Error('the notify scenario needs a queue URL (--queue-url or .local/endpoints.json)');
  const local = sqs.endpoint !== undefined && /^http:\/\/(127\.|localhost)/.test(sqs.endpoint);
  const client = new SQSClient({
    region: sqs.region,
    endpoint: sqs.endpoint,
    // The local endpoint does not check signatures; AWS uses the default credential chain.
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
  });
  const users = roundRobin<LoadConnection>();
  let sent = 0;
  let counter = 0;
  let inFlight = 0;
  return {
    get sent() {
      return sent;
    },
    start() {
      users.set(worker.connections.filter((c) => c.open));
    },
    sendOne() {
      if (inFlight >= maxSqsInFlight) return false;
      const user = users.next();
      if (!user) {
        bump(worker.errors, 'NO_LIVE_SENDER');
        return true;
      }
      counter += 1;
      const key = `${worker.plan.worker}.${counter}`;
      // The id is the idempotency key a careful service sets: a record the queue delivers again
      // after a failed attempt is then stored and delivered once.
      const body = {
        target: { users: [user.userId] },
        data: makeData(key, worker.plan.size),
        from: 'loadtest',
        id: `${worker.plan.userPrefix}${key}`,
      };
      worker.ledger.expect(key, 1);
      inFlight += 1;
      sent += 1;
      worker.noteSent();
      client
        .send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: JSON.stringify(body) }))
        .catch((error: Error) => {
          bump(worker.errors, `SQS ${error.name}`);
          worker.reject(key);
        })
        .finally(() => {
          inFlight -= 1;
        });
      return true;
    },
    outstanding: () => inFlight,
    async stop() {
      client.destroy();
    },
  };
}
