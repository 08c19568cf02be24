import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonObject, objectExamples, readPage, section } from '../../helpers/markdown.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import type { Frame, TestSocket } from '../../helpers/socket.ts';

/**
 * Replays the examples of docs/protocol.md against the local runtime: every client frame the
 * page shows is sent as shown, and what comes back must have the shape the page shows for it
 * (the same frame type, the same fields; values such as ids and times differ from run to run).
 */
const doc = readPage('docs/protocol.md');
const beforeHttp = doc.slice(0, doc.indexOf('\n## HTTP API'));
const exampleFrames = objectExamples(beforeHttp).filter((o) => 'action' in o);
const answers = new Map<string, JsonObject>();
for (const o of objectExamples(beforeHttp)) {
  if ((o.type === 'reply' || o.type === 'error') && typeof o.ref === 'string') answers.set(o.ref, o);
}
const http = objectExamples(section(doc, 'HTTP API'));

/** The field names of a value, one level into objects and into an array's first element. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, typeof v === 'object' && v !== null ? shapeOf(v) : typeof v]),
    );
  }
  return typeof value;
}

/** Nullable fields (`next`, `cursor`) are a number or a string in one run and null in another. */
const loosely = (shape: unknown): unknown =>
  JSON.parse(JSON.stringify(shape).replaceAll('"object"', '"number"'));

let rt: TestRuntime;
let alice: TestSocket;
let bob: TestSocket;

beforeAll(async () => {
  rt = await startTestRuntime();
  [alice, bob] = await Promise.all([rt.connect('alice'), rt.connect('bob')]);
});
afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await rt?.stop();
});

const answerTo = (socket: TestSocket, frame: JsonObject): Promise<Frame> => {
  const ref = frame.ref;
  const from = socket.frames.length;
  socket.send(frame);
  return socket.waitFor(ref === undefined ? (f) => f.type === 'pong' : (f) => f.ref === ref, 5000, from);
};

describe('The examples of docs/protocol.md', () => {
  it('answers every client frame it shows with the reply it shows', async () => {
    expect(exampleFrames.length).toBeGreaterThan(10);
    for (const frame of exampleFrames) {
      // Alice sends everything; she joins a room again before any frame about it, since the
      // page shows `leave` before `typing`, which needs a subscription.
      if (typeof frame.room === 'string' && frame.action !== 'join' && frame.action !== 'leave') {
        await answerTo(alice, { action: 'join', room: frame.room, ref: `pre-${String(frame.ref)}` });
      }
      const answer = await answerTo(alice, frame);
      const shown = typeof frame.ref === 'string' ? answers.get(frame.ref) : { type: 'pong', ts: 0 };
      const context = `${JSON.stringify(frame)} got ${JSON.stringify(answer)}`;
      expect(answer.type, context).toBe(shown?.type ?? 'reply');
      if (shown?.type === 'reply') {
        expect(loosely(shapeOf(answer.result)), context).toEqual(loosely(shapeOf(shown.result)));
      }
    }
  });

  it('pushes direct messages in the shape it shows', async () => {
    const shown = objectExamples(beforeHttp).find((o) => o.type === 'message' && 'to' in o)!;
    const from = bob.frames.length;
    await answerTo(alice, { action: 'send', to: 'bob', data: { text: 'hi' }, ref: 'shape-1' });
    const received = await bob.waitFor((f) => f.type === 'message', 5000, from);
    expect(shapeOf(received)).toEqual(shapeOf(shown));
  });

  it('answers the HTTP requests it shows with the bodies it shows', async () => {
    const base = rt.endpoints.http;
    const token = await rt.token('alice');
    const admin = await rt.token('ops', ['admin']);
    const call = async (method: string, path: string, bearer?: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as JsonObject };
    };
    const shown = (predicate: (o: JsonObject) => boolean) => http.find(predicate)!;
    const createBody = shown((o) => 'name' in o && !('owner' in o));

    const cases: [string, Promise<{ status: number; body: JsonObject }>, number, JsonObject][] = [
      ['GET /health', call('GET', '/health'), 200, shown((o) => 'queues' in o)],
      [
        'POST /tickets',
        call('POST', '/tickets', token),
        201,
        objectExamples(doc).find((o) => 'ticket' in o)!,
      ],
      ['POST /rooms', call('POST', '/rooms', token, createBody), 201, shown((o) => 'owner' in o)],
    ];
    for (const [name, response, status, body] of cases) {
      const { status: actual, body: got } = await response;
      expect(actual, name).toBe(status);
      expect(shapeOf(got), name).toEqual(shapeOf(body));
    }
    const room = String(createBody.id);
    const member = await call('PUT', `/rooms/${room}/members/bob`, token);
    expect(member.status).toBe(201);
    expect(shapeOf(member.body)).toEqual(shapeOf(shown((o) => 'role' in o)));
    const unread = await call('GET', '/me/unread', token);
    expect(shapeOf(unread.body)).toEqual(shapeOf(shown((o) => 'rooms' in o)));
    const notified = await call('POST', '/messages', admin, {
      target: { users: ['bob'] },
      data: { title: 'x' },
    });
    expect(notified.status).toBe(202);
    expect(shapeOf(notified.body)).toEqual(shapeOf(shown((o) => 'users' in o)));
    const refused = await call('GET', `/rooms/${room}`, await rt.token('carol'));
    expect(refused.status).toBe(403);
    expect(shapeOf(refused.body)).toEqual(shapeOf(shown((o) => 'error' in o)));
  });
});
