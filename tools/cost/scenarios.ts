import type { OperationCalls } from '../bench/calls.ts';
import type { Assumptions } from './assumptions.ts';
import { type AppSyncUsage, gbSeconds, increments, noUsage, scale, sum, type Usage } from './model.ts';
import type { Prices } from './prices.ts';

/** The heartbeat of an idle connection: measured by `npm run bench -- ping` with the SDK's defaults. */
export interface IdleHeartbeat {
  readonly pingsPerMinute: number;
}

/**
 * Acks per direct message and replies per ack, measured by `npm run bench -- frames` with the
 * SDK's defaults (a conversation at one message every 2 s), or assumed.
 */
export interface DirectAcks {
  readonly acksPerMessage: number;
  readonly repliesPerAck: number;
  /** Where the figures come from, printed with the table. */
  readonly source: string;
}

const round = (n: number) => Number(n.toPrecision(3));

/** One row of the cost table: the usage of one unit of work, on both services. */
export interface Scenario {
  readonly name: string;
  /** `connection-minute` or `delivered message`. */
  readonly unit: string;
  readonly usage: Usage;
  readonly appSync: AppSyncUsage;
  /** Which measured operations it is built from, and how. */
  readonly basis: string;
}

/** The usage of one measured operation: billed messages, invocations, estimated duration, request units. */
export function usageOf(op: OperationCalls, assumptions: Assumptions, prices: Prices): Usage {
  const d = assumptions.duration;
  const invocations = Object.values(op.lambda).reduce((a, b) => a + b, 0);
  const sqsSends = Object.values(op.sqs.handlers).reduce((a, b) => a + b, 0);
  const ms =
    invocations * d.invocationMs +
    (op.dynamodb.reads + op.dynamodb.writes) * d.dynamoDbCallMs +
    sqsSends * d.sqsCallMs +
    (op.posts * d.postMs) / d.postsInFlight;
  const frame = increments(assumptions.frameBytes, prices.apiGatewayWebSocket.messageIncrementBytes);
  return {
    wsMessages: (op.messages.fromClients + op.messages.toClients) * frame,
    apiGatewayRequests: op.messages.fromClients + op.posts,
    connectionMinutes: 0,
    lambdaRequests: invocations,
    lambdaGbSeconds: gbSeconds(ms, assumptions.memoryMb),
    readUnits: op.dynamodb.readUnits,
    writeUnits: op.dynamodb.writeUnits,
    sqsRequests: op.sqs.billed * increments(assumptions.frameBytes, prices.sqsStandard.requestChunkBytes),
  };
}

/** Finds a measured operation by the start of its name. */
function find(operations: readonly OperationCalls[], prefix: string): OperationCalls {
  const op = operations.find((o) => o.operation.startsWith(prefix));
  if (!op) throw new Error(`no measured operation "${prefix}…": run npm run bench -- calls`);
  return op;
}

/**
 * The scenarios of the cost table, from the measured operations: a connection-minute, and a
 * delivered message (one frame reaching one connection) sent directly, to a room of 10 (and as a
 * reply in a room of 10, when measured), to a room of 1,000, and to everyone.
 */
export function buildScenarios(
  operations: readonly OperationCalls[],
  assumptions: Assumptions,
  prices: Prices,
  heartbeat: IdleHeartbeat = { pingsPerMinute: assumptions.pingsPerMinute },
  acks: DirectAcks = {
    acksPerMessage: assumptions.acksPerDirectMessage,
    repliesPerAck: assumptions.repliesPerAck,
    source: 'assumed',
  },
): Scenario[] {
  const use = (prefix: string) => usageOf(find(operations, prefix), assumptions, prices);
  const perSession = 1 / assumptions.sessionMinutes;
  const appSyncOps = (frames: number) =>
    frames * increments(assumptions.frameBytes, prices.appSyncEvents.operationIncrementBytes);

  // A ping writes last-seen when the container's last write for the connection is older than
  // LAST_SEEN_WRITE_INTERVAL_MS: so at most that often, and every ping when they are rarer.
  const pings = heartbeat.pingsPerMinute;
  const writingPings = Math.min(pings, 60_000 / assumptions.lastSeenWriteIntervalMs);
  const connectionMinute = sum(
    { ...noUsage, connectionMinutes: 1 },
    scale(sum(use('connect'), use('disconnect')), perSession),
    scale(use('ping (heartbeat, first'), writingPings),
    scale(use('ping (heartbeat, within'), pings - writingPings),
  );
  // An ack frame's own work (the frame, its reply if any, the counters) is shared by the ids it
  // names; each id's DeleteItem is the message's own. The measured ack names one id.
  const ackOp = find(operations, 'ack');
  const deleted = ackOp.dynamodb.byOperation.DeleteItem;
  const deleteUnits = deleted ? deleted.capacity + deleted.indexCapacity : 0;
  const perAckFrame = usageOf(
    {
      ...ackOp,
      messages: { ...ackOp.messages, toClients: ackOp.messages.toClients * acks.repliesPerAck },
      dynamodb: { ...ackOp.dynamodb, writeUnits: ackOp.dynamodb.writeUnits - deleteUnits },
    },
    assumptions,
    prices,
  );
  const direct = sum(use('send a direct message'), scale(perAckFrame, acks.acksPerMessage), {
    ...noUsage,
    writeUnits: deleteUnits,
  });
  const perDelivery = (op: OperationCalls) => ({
    usage: scale(usageOf(op, assumptions, prices), 1 / op.posts),
    posts: op.posts,
    name: op.operation,
  });
  const publishes = operations
    .filter((o) => o.operation.startsWith('publish to a room of'))
    .sort((a, b) => a.posts - b.posts);
  const largest = publishes.at(-1);
  if (!largest || publishes.length < 2)
    throw new Error('no large-room publish measured: run npm run bench -- calls');
  const room10 = perDelivery(find(operations, 'publish to a room of 10'));
  // Measured since threads (issue 15): call counts from before have no reply to price.
  const replyOp = operations.find((o) => o.operation.startsWith('reply in a room of 10'));
  const reply10 = replyOp ? perDelivery(replyOp) : undefined;
  const roomLarge = perDelivery(largest);
  const all = perDelivery(find(operations, 'notify all'));
  const roomOps = (posts: number) => ({ operations: appSyncOps((1 + posts) / posts), connectionMinutes: 0 });

  // An edit and a reaction are room entries delivered as a publish is: per delivered entry.
  // Rows only when measured (calls from before these operations existed have none).
  const lifecycle = (
    [
      ['edit, room of 10', 'edit a message in a room of 10'],
      ['reaction, room of 10', 'react to a message in a room of 10'],
    ] as const
  ).flatMap(([name, prefix]) => {
    const op = operations.find((o) => o.operation.startsWith(prefix));
    if (!op || op.posts === 0) return [];
    const row = perDelivery(op);
    return [
      {
        name,
        unit: 'delivered message',
        usage: row.usage,
        appSync: roomOps(row.posts),
        basis: `${row.name} / ${row.posts} deliveries`,
      },
    ];
  });

  return [
    {
      name: 'connection',
      unit: 'connection-minute',
      usage: connectionMinute,
      appSync: {
        operations: appSyncOps(assumptions.appSyncOperationsPerSession * perSession),
        connectionMinutes: 1,
      },
      basis: `1 minute + (connect + disconnect) / ${assumptions.sessionMinutes} + ${round(pings)} pings (${round(writingPings)} writing last-seen)`,
    },
    {
      name: 'direct',
      unit: 'delivered message',
      usage: direct,
      appSync: { operations: appSyncOps(2), connectionMinutes: 0 },
      basis: `send + ${round(acks.acksPerMessage)} ack frames (${round(acks.repliesPerAck)} replies each) + 1 inbox delete, one recipient connection`,
    },
    {
      name: 'room of 10',
      unit: 'delivered message',
      usage: room10.usage,
      appSync: roomOps(room10.posts),
      basis: `${room10.name} / ${room10.posts} deliveries`,
    },
    ...(reply10
      ? [
          {
            name: 'reply in a room of 10',
            unit: 'delivered message',
            usage: reply10.usage,
            appSync: roomOps(reply10.posts),
            basis: `${reply10.name} (parent read, thread pointer, count) / ${reply10.posts} deliveries`,
          },
        ]
      : []),
    ...lifecycle,
    {
      name: `room of ${roomLarge.posts.toLocaleString('en-US')}`,
      unit: 'delivered message',
      usage: roomLarge.usage,
      appSync: roomOps(roomLarge.posts),
      basis: `${roomLarge.name} / ${roomLarge.posts} deliveries`,
    },
    {
      name: 'broadcast',
      unit: 'delivered message',
      usage: all.usage,
      appSync: roomOps(all.posts),
      basis: `${all.name} / ${all.posts} deliveries`,
    },
  ];
}
