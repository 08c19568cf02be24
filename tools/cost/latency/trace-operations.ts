import { performance } from 'node:perf_hooks';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { httpApi, queues, websocketApi } from '../../../lib/manifest.ts';
import { localDefaults } from '../../../local/defaults.ts';
import { startLocalRuntime } from '../../../local/runtime.ts';
import type { PublishResult, SendResult } from '../../../protocol/results.ts';
import { BenchSocket } from '../../bench/bench-socket.ts';
import { signToken } from '../../sign-token.ts';
import type { TracedInvocation } from './compose.ts';
import type { Entry, TracedOperation } from './estimate.ts';
import { startCallTracer } from './tracer.ts';

/** Rooms above this many members are sharded through the deliveries queue in the traced run. */
export const tracedInlineMax = 4;
const inlineRoom = 3;
const shardedRoom = 8;

const consumers = new Set<string>(Object.values(queues).map((q) => q.consumer));
const routeFunctions: Readonly<Record<string, string>> = { ...websocketApi.routes, ...httpApi.routes };

/**
 * Runs every WebSocket route, every HTTP route and the fan-out paths once through a local
 * runtime on free ports, with real sockets and HTTP requests, and returns each one's traced
 * invokes, already cut into the stages of its critical path. The runtime shards rooms above
 * {@link tracedInlineMax} members, so that both fan-out paths are traced with few sockets.
 */
export async function traceOperations(): Promise<TracedOperation[]> {
  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    functionEnv: { DELIVERY_INLINE_MAX: String(tracedInlineMax) },
  });
  const tracer = startCallTracer();
  const sockets: BenchSocket[] = [];
  const producer = new SQSClient({ endpoint: rt.endpoints.sqs, region: localDefaults.region });
  const token = (user: string, roles: string[] = []) =>
    signToken(user, { secret: localDefaults.jwtSecret, roles });
  const open = async (user: string) => {
    const socket = await BenchSocket.open(`${rt.endpoints.websocket}?token=${await token(user)}`);
    sockets.push(socket);
    return socket;
  };
  const api = async (method: string, path: string, body?: unknown, user = 'alice', roles: string[] = []) => {
    const res = await fetch(`${rt.endpoints.http}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(user, roles)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      // GET /files answers 302: the route's own work ends there, S3 is the client's next request.
      redirect: 'manual',
    });
    const text = await res.text();
    // A refused request takes another path than the route's own: the trace would be wrong.
    if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text;
  };
  const operations: TracedOperation[] = [];
  const trace = async (
    name: string,
    entry: Entry,
    action: () => Promise<unknown>,
    pick: { route?: string; functions?: readonly string[]; userFacing?: boolean } = {},
  ) => {
    await quiet(tracer.lastEnd);
    tracer.take();
    await action();
    const wanted = pick.functions ?? (pick.route ? [routeFunctions[pick.route] as string] : undefined);
    // What runs after the action answered (`$disconnect` after a close) may start late on a
    // busy machine: wait for it before waiting for quiet.
    await until(() => (wanted ?? []).every((fn) => tracer.finished(fn)));
    await quiet(tracer.lastEnd);
    const traced = tracer.take();
    operations.push({
      name,
      route: pick.route,
      entry,
      userFacing: pick.userFacing ?? true,
      stages: stagesOf(wanted ? traced.filter((i) => wanted.includes(i.fn)) : traced),
    });
  };

  try {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.request({ action: 'ping' }); // loads the clients before anything is traced
    const members = [alice];
    for (let i = 1; i < shardedRoom; i += 1) members.push(await open(`member-${i}`));
    for (const m of members.slice(0, inlineRoom)) await m.request({ action: 'join', room: 'small' });
    for (const m of members.slice(0, shardedRoom)) await m.request({ action: 'join', room: 'large' });
    await bob.request({ action: 'join', room: 'bobs' });

    let carol: BenchSocket | undefined;
    await trace(
      '$connect (authorizer, then connect)',
      'websocket',
      async () => {
        carol = await open('carol');
      },
      { route: '$connect', functions: [websocketApi.authorizer.function, websocketApi.routes.$connect] },
    );
    const c = carol as BenchSocket;
    const ws = (
      route: string,
      frame: Record<string, unknown>,
      socket = c,
      after?: (r: Record<string, unknown>) => Promise<unknown>,
    ) =>
      trace(
        route,
        'websocket',
        async () => {
          const reply = await socket.request(frame);
          if (reply.type === 'error' && route !== '$default')
            throw new Error(`${route} was refused: ${JSON.stringify(reply)}`);
          await after?.(reply);
        },
        { route },
      );

    await ws('ping', { action: 'ping' });
    await ws('$default', { action: 'no-such-action' });
    let messageId = '';
    await ws('send', { action: 'send', to: 'bob', data: { text: 'hi' } }, c, async (reply) => {
      messageId = (reply.result as SendResult).messageId;
      await bob.waitFor((f) => f.type === 'message' && f.id === messageId);
    });
    await ws('sync', { action: 'sync' }, bob);
    await ws('ack', { action: 'ack', ids: [messageId] }, bob);
    await ws('join', { action: 'join', room: 'bobs' });
    await ws('publish', { action: 'publish', room: 'bobs', data: { text: 'hello' } });
    await ws('history', { action: 'history', room: 'bobs' });
    // Carol's message is seq 1: she edits it, reacts to it, then deletes it.
    await ws('edit', { action: 'edit', room: 'bobs', seq: 1, data: { text: 'hello again' } });
    await ws('react', { action: 'react', room: 'bobs', seq: 1, reaction: '👍' });
    await ws('delete', { action: 'delete', room: 'bobs', seq: 1 });
    await ws('read', { action: 'read', room: 'bobs', upTo: 1 });
    await ws('typing', { action: 'typing', room: 'bobs', state: 'start' });
    await ws('status', { action: 'status', status: 'away' });
    await ws('who', { action: 'who', room: 'bobs' });
    await ws('block', { action: 'block', user: 'dave' });
    await ws('unblock', { action: 'unblock', user: 'dave' });
    await ws('refresh', { action: 'refresh', token: await token('carol') });
    await ws('leave', { action: 'leave', room: 'bobs' });

    const published = async (room: string, size: number) => {
      const reply = await alice.request({ action: 'publish', room, data: { text: 'fan-out' } });
      const { messageId: id } = reply.result as PublishResult;
      await Promise.all(
        members.slice(1, size).map((m) => m.waitFor((f) => f.type === 'message' && f.id === id)),
      );
    };
    await trace(`fan-out: publish to a room of ${inlineRoom}, inline, to the last member`, 'websocket', () =>
      published('small', inlineRoom),
    );
    await trace(
      `fan-out: publish to a room of ${shardedRoom}, sharded through the deliveries queue, to the last member`,
      'websocket',
      () => published('large', shardedRoom),
    );
    await trace('fan-out: notification to a user, from the notifications queue', 'queue', async () => {
      await producer.send(
        new SendMessageCommand({
          QueueUrl: rt.endpoints.queues.notifications,
          MessageBody: JSON.stringify({ target: { users: ['bob'] }, data: { n: 1 }, from: 'latency' }),
        }),
      );
      await bob.waitFor((f) => f.type === 'notification');
    });

    const http = (route: string, path: string, body?: unknown, user?: string, roles?: string[]) => {
      const [method] = route.split(' ');
      return trace(route, 'http', () => api(method as string, path, body, user, roles), { route });
    };
    await http('GET /health', '/health');
    await http('POST /tickets', '/tickets', {});
    await http('POST /rooms', '/rooms', { id: 'lat', name: 'Latency', type: 'public' });
    await http('GET /rooms/{id}', '/rooms/lat');
    await http('PATCH /rooms/{id}', '/rooms/lat', { name: 'Latency 2' });
    await http('PUT /rooms/{id}/members/{userId}', '/rooms/lat/members/bob', {});
    await http('GET /rooms/{id}/members', '/rooms/lat/members');
    await http('GET /rooms/{id}/online', '/rooms/lat/online');
    await http('GET /rooms/{id}/messages', '/rooms/bobs/messages', undefined, 'bob');
    await http('GET /me/unread', '/me/unread', undefined, 'bob');
    await http('POST /messages', '/messages', { target: { users: ['bob'] }, data: { n: 2 } }, 'ops', [
      'admin',
    ]);
    await http('GET /online', '/online', undefined, 'ops', ['admin']);
    await http('GET /moderation', '/moderation', undefined, 'ops', ['admin']);
    await http('PUT /moderation', '/moderation', { words: [], mode: 'mask' }, 'ops', ['admin']);
    let fileId = '';
    await trace(
      'POST /uploads',
      'http',
      async () => {
        const declared = { name: 'a.txt', contentType: 'text/plain', size: 5 };
        fileId = (JSON.parse(await api('POST', '/uploads', declared)) as { fileId: string }).fileId;
      },
      { route: 'POST /uploads' },
    );
    // The uploader may fetch a file it has not attached yet: the route's own path, a 302.
    await http('GET /files/{fileId}', `/files/${fileId}`);
    await http('GET /me/blocks', '/me/blocks');
    await http('DELETE /rooms/{id}/members/{userId}', '/rooms/lat/members/bob');
    await http('DELETE /rooms/{id}', '/rooms/lat');

    await trace('$disconnect', 'websocket', () => c.close(), { route: '$disconnect', userFacing: false });
    return operations;
  } finally {
    tracer.stop();
    for (const socket of sockets) await socket.close().catch(() => undefined);
    producer.destroy();
    await rt.stop();
  }
}

/**
 * Cuts an operation's invokes into stages: one stage per function in the order they first ran,
 * the invokes of a queue consumer (several shards) side by side in one stage reached through SQS.
 */
export function stagesOf(invocations: readonly TracedInvocation[]): TracedOperation['stages'] {
  const byFunction = new Map<string, TracedInvocation[]>();
  for (const invocation of [...invocations].sort((a, b) => a.start - b.start)) {
    const list = byFunction.get(invocation.fn) ?? [];
    byFunction.set(invocation.fn, list);
    list.push(invocation);
  }
  return [...byFunction].map(([fn, list]) => ({ invocations: list, viaQueue: consumers.has(fn) }));
}

/** Waits until the condition holds, for at most 10 s (the trace's checks then tell what is missing). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && !condition()) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until no invoke has finished for 300 ms (at most 10 s). */
async function quiet(lastEnd: () => number): Promise<void> {
  const deadline = performance.now() + 10_000;
  await new Promise((resolve) => setTimeout(resolve, 50));
  while (performance.now() < deadline && performance.now() - lastEnd() < 300) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
