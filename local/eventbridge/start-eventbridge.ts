import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { listen } from '../listen.ts';
import { activeFault, type BusFault, type BusFaultMode } from './faults.ts';
import {
  type BusEnvelope,
  maxEntries,
  maxRequestBytes,
  type PutEventsEntry,
  type PutEventsResultEntry,
  shapeEvent,
} from './put-events.ts';

/** Options of {@link startEventBridge}. */
export interface StartEventBridgeOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The SQS endpoint, and the name of the queue every event is copied to (created if missing). */
  readonly sqsEndpoint: string;
  readonly queueName: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** One line per call. @default silent */
  readonly log?: (line: string) => void;
}

/** A running local EventBridge endpoint. */
export interface LocalEventBridge {
  /** Base URL for `AWS_ENDPOINT_URL_EVENTBRIDGE` or a client's `endpoint`. */
  readonly endpoint: string;
  /** The queue holding a copy of every event (`queues.events` in `.local/endpoints.json`). */
  readonly queueUrl: string;
  /** Makes PutEvents fail for `forMs` from now (see {@link BusFaultMode}); `forMs: 0` heals it. */
  fail(mode: BusFaultMode, forMs: number): void;
  /** Calls so far: `PutEvents`, `entries` (accepted), `refused` (calls or entries failed). */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

const contentType = 'application/x-amz-json-1.1';
const account = '000000000000';

/**
 * Starts an EventBridge endpoint that speaks the AWS JSON 1.1 protocol of `PutEvents`
 * (`X-Amz-Target: AWSEvents.PutEvents`), on any bus name, and copies every accepted event, shaped
 * as a rule target receives it, to one SQS queue: locally that queue stands for every rule.
 * Signatures are not checked. Other operations answer `UnknownOperationException`.
 *
 * @example
 * const bus = await startEventBridge({ sqsEndpoint, queueName: 'wavelet-events' });
 * new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1', credentials });
 */
export async function startEventBridge(options: StartEventBridgeOptions): Promise<LocalEventBridge> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const sqs = new SQSClient({
    endpoint: options.sqsEndpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: options.queueName }));
  if (!queueUrl) throw new Error(`CreateQueue returned no URL for ${options.queueName}`);
  const counts = { PutEvents: 0, entries: 0, refused: 0 };
  let fault: BusFault | undefined;

  const putEvents = async (body: unknown): Promise<[number, unknown]> => {
    const entries = (body as { Entries?: unknown } | null)?.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > maxEntries) {
      return error(400, 'ValidationException', `Entries must hold 1 to ${maxEntries} entries`);
    }
    const mode = activeFault(fault, Date.now());
    if (mode === 'throttle') {
      counts.refused += 1;
      return error(400, 'ThrottlingException', 'Rate exceeded');
    }
    const results: PutEventsResultEntry[] = [];
    const accepted: BusEnvelope[] = [];
    for (const entry of entries as PutEventsEntry[]) {
      const shaped =
        mode === 'entries'
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : shapeEvent(entry ?? {}, { account, region, now: Date.now() });
      if ('ErrorCode' in shaped) {
        results.push(shaped);
      } else {
        accepted.push(shaped);
        results.push({ EventId: shaped.id });
      }
    }
    if (accepted.length > 0) {
      const { Failed } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: accepted.map((e, i) => ({ Id: String(i), MessageBody: JSON.stringify(e) })),
        }),
      );
      if (Failed?.length) return error(500, 'InternalException', 'The events queue refused the events');
    }
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    counts.entries += accepted.length;
    counts.refused += failed;
    return [200, { FailedEntryCount: failed, Entries: results }];
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.log?.(`eventbridge error ${(e as Error).message}`);
      if (!res.headersSent) send(res, ...error(500, 'InternalException', 'Internal error'));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    if (raw === undefined) return send(res, ...error(413, 'ValidationException', 'Request too large'));
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return send(
        res,
        ...error(400, 'UnknownOperationException', `Unsupported operation ${target || '(none)'}`),
      );
    }
    counts.PutEvents += 1;
    let body: unknown;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return send(res, ...error(400, 'SerializationException', 'The request body is not JSON'));
    }
    const [status, payload] = await putEvents(body);
    options.log?.(`eventbridge PutEvents ${status}`);
    send(res, status, payload);
  };

  const { origin } = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${origin}`,
    queueUrl,
    fail: (mode, forMs) => {
      fault = { mode, until: Date.now() + forMs };
    },
    stats: () => ({ ...counts }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sqs.destroy();
    },
  };
}

function error(status: number, type: string, message: string): [number, unknown] {
  return [status, { __type: type, message }];
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  const type = (payload as { __type?: string }).__type;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...(type ? { 'x-amzn-errortype': type } : {}),
  });
  res.end(body);
}

/** The body as text, or undefined past EventBridge's 256 KB request limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxRequestBytes + 4096) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
