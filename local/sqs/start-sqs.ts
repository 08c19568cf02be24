import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.ts';
import type { OperationContext, SqsOperation } from './operation.ts';
import { queueOperations } from './queue-operations.ts';
import { QueueStore } from './queue-store.ts';
import { receiveOperations } from './receive-operations.ts';
import { sendOperations } from './send-operations.ts';
import { describeError, SqsError } from './sqs-error.ts';

/** Options of {@link startSqs}. */
export interface StartSqsOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * After a `PurgeQueue`, a second purge of the same queue within this time answers
   * `PurgeQueueInProgress`, as SQS does for 60 s; 0 lets tests purge freely. @default 60000
   */
  readonly purgeCooldownMs?: number;
}

/** A running local SQS endpoint. */
export interface LocalSqs {
  /** Base URL for `AWS_ENDPOINT_URL_SQS` or a client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
  /** Calls so far, by operation name (`SendMessage: 3`); benchmarks turn these into cost. */
  stats(): Record<string, number>;
}

const operations: Record<string, SqsOperation> = {
  ...queueOperations,
  ...sendOperations,
  ...receiveOperations,
};

const jsonContentType = 'application/x-amz-json-1.0';

/**
 * Starts an in-memory SQS endpoint speaking the AWS JSON 1.0 protocol of today's
 * `@aws-sdk/client-sqs` (`X-Amz-Target: AmazonSQS.<Operation>`). Standard queues only: visibility
 * timeouts, receive counts, redrive to a dead-letter queue, delays, retention and long polling
 * behave as in SQS; signatures are not checked.
 *
 * @example
 * const sqs = await startSqs();
 * const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials });
 */
export async function startSqs(options: StartSqsOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const calls: Record<string, number> = {};
  const open = new Set<AbortController>();
  let store: QueueStore | undefined;

  const server = createServer((req, res) => {
    const controller = new AbortController();
    open.add(controller);
    // `close` on the response before it finished means the client went away mid long poll.
    res.on('close', () => {
      open.delete(controller);
      controller.abort();
    });
    const context = {
      store: store!,
      senderId: senderIdOf(req),
      signal: controller.signal,
      purgeCooldownMs: options.purgeCooldownMs ?? 60_000,
    };
    handle(req, res, context, calls).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, {}, JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
    });
  });
  const { origin } = await listen(server, options.port ?? 0, host);
  const endpoint = `http://${origin}`;
  store = new QueueStore(endpoint);

  return {
    endpoint,
    stats: () => ({ ...calls }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Long polls answer empty at once, then their connections can end.
        for (const controller of open) controller.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        setImmediate(() => server.closeAllConnections());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  context: OperationContext,
  calls: Record<string, number>,
): Promise<void> {
  const raw = await readBody(req);
  const target = String(req.headers['x-amz-target'] ?? '');
  const name = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
  const operation = operations[name];
  if (req.method !== 'POST' || !operation) {
    const message = target
      ? `Operation ${target} is not supported by the local SQS.`
      : 'Only the AWS JSON 1.0 protocol is supported (X-Amz-Target: AmazonSQS.<Operation>).';
    sendError(res, new SqsError('UnknownOperationException', message, 'UnknownOperation'));
    return;
  }
  calls[name] = (calls[name] ?? 0) + 1;
  try {
    const input: unknown = raw.length > 0 ? JSON.parse(raw) : {};
    // Also by queue ("SendMessageBatch:wavelet-local-deliveries"), so a test can count one queue's calls.
    const queueUrl = (input as { QueueUrl?: unknown } | null)?.QueueUrl;
    if (typeof queueUrl === 'string') {
      const key = `${name}:${queueUrl.slice(queueUrl.lastIndexOf('/') + 1)}`;
      calls[key] = (calls[key] ?? 0) + 1;
    }
    const output = await operation((input ?? {}) as Record<string, unknown>, context);
    send(res, 200, {}, JSON.stringify(output));
  } catch (error) {
    if (error instanceof SyntaxError) {
      sendError(res, new SqsError('SerializationException', 'The request body is not valid JSON.'));
    } else if (error instanceof SqsError) {
      sendError(res, error);
    } else {
      throw error;
    }
  }
}

function sendError(res: ServerResponse, error: SqsError): void {
  const { status, headers, body } = describeError(error);
  send(res, status, headers, body);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': jsonContentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The access key id from the SigV4 `Authorization` header, reported as the sender. */
function senderIdOf(req: IncomingMessage): string {
  const match = /Credential=([^/,\s]+)/.exec(String(req.headers.authorization ?? ''));
  return match?.[1] ?? 'ANONYMOUS';
}
