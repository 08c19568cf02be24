import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketGateway } from '../../../local/apigw-websocket/index.ts';
import {
  type ConformanceTarget,
  localOnly,
  remote,
  startConformanceTarget,
} from '../../helpers/conformance-target.ts';
import { openClient, recorder, startTestGateway, waitUntil } from '../../helpers/emulator.ts';

// Rows of APIGW-WEBSOCKET.md that had no test of their own. The first block runs against the
// conformance target (a deployed stage when WAVELET_TARGET_URL is set, docs/emulator.md); the
// second needs integrations of its own, which only the emulator can be given.

interface Frame {
  readonly opcode: number;
  readonly fin: boolean;
  readonly bytes: number;
}

/** A `ws` client that also records the frames the server sends, from the raw socket. */
function frameRecordingClient(url: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let skip = 0;
    ws.on('upgrade', (res) =>
      res.socket.on('data', (chunk: Buffer) => {
        let data = chunk;
        while (data.length > 0) {
          if (skip > 0) {
            const n = Math.min(skip, data.length);
            skip -= n;
            data = data.subarray(n);
            continue;
          }
          pending = Buffer.concat([pending, data]);
          if (pending.length < 2) return;
          const length7 = pending[1]! & 0x7f;
          const headerBytes = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0);
          if (pending.length < headerBytes) return;
          const bytes =
            length7 === 126
              ? pending.readUInt16BE(2)
              : length7 === 127
                ? Number(pending.readBigUInt64BE(2))
                : length7;
          frames.push({ opcode: pending[0]! & 0x0f, fin: (pending[0]! & 0x80) !== 0, bytes });
          data = pending.subarray(headerBytes);
          pending = Buffer.alloc(0);
          skip = bytes;
        }
      }),
    );
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

describe('Conformance with API Gateway', () => {
  let target: ConformanceTarget;
  beforeAll(async () => {
    target = await startConformanceTarget();
  });
  afterAll(() => target?.stop());

  it('delivers a 0-byte post as an empty text message', async () => {
    const client = await target.connect();
    const output = await target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: new Uint8Array(0) }));
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(await client.message(0, 10_000)).toBe('');
    client.ws.close();
  });

  it('splits an outbound post into text frames of 32 KB', async () => {
    const userId = target.newUserId();
    const { ws, frames } = await frameRecordingClient(await target.connectUrl(userId));
    const received = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    const data = 'o'.repeat(100_000);
    await target
      .management()
      .send(new PostToConnectionCommand({ ConnectionId: await target.connectionIdOf(userId), Data: data }));
    expect(await received).toBe(data);
    await waitUntil(() => frames.length >= 4, 10_000);
    // A text frame, then continuations; every one but the last is 32 KB.
    expect(frames).toEqual([
      { opcode: 1, fin: false, bytes: 32_768 },
      { opcode: 0, fin: false, bytes: 32_768 },
      { opcode: 0, fin: false, bytes: 32_768 },
      { opcode: 0, fin: true, bytes: 100_000 - 3 * 32_768 },
    ]);
    ws.close();
  });

  it('answers a post over 128 KB with 413 and a JSON message body', async () => {
    const client = await target.connect();
    const answer = await target.managementRequest('POST', client.connectionId, 'x'.repeat(131_073));
    expect(answer.status).toBe(413);
    expect(answer.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
    expect(JSON.parse(answer.body)).toEqual({ message: expect.any(String) });
    expect(client.messages).toEqual([]);
    client.ws.close();
  });
});

describe.skipIf(remote)(`Conformance with API Gateway ${localOnly('integrations the test supplies')}`, () => {
  let gateway: WebSocketGateway;
  afterEach(() => gateway?.close());

  it('routes a 128 KB inbound message sent in 32 KB frames whole', async () => {
    const message = recorder();
    gateway = await startTestGateway({ routes: { $default: message.integration } });
    const client = await openClient(gateway.url);
    const body = 'm'.repeat(128 * 1024);
    for (let i = 0; i < 4; i += 1) client.ws.send(body.slice(i * 32_768, (i + 1) * 32_768), { fin: i === 3 });
    expect((await message.event(0, 5000)).body).toBe(body);
    client.ws.close();
  });

  it('answers Internal server error when the function is throttled, and keeps the connection', async () => {
    gateway = await startTestGateway({
      routes: {
        $default: async () => {
          // What Lambda's Invoke raises when the function's concurrency is exhausted.
          throw Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException' });
        },
      },
    });
    const client = await openClient(gateway.url);
    client.ws.send('hello');
    const frame = JSON.parse(await client.message()) as Record<string, unknown>;
    expect(frame.message).toBe('Internal server error');
    expect(frame.connectionId).toBe(gateway.connectionIds()[0]);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('puts disconnectStatusCode and disconnectReason on $disconnect only', async () => {
    const connect = recorder();
    const message = recorder();
    const disconnect = recorder();
    gateway = await startTestGateway({
      routes: {
        $connect: connect.integration,
        $default: message.integration,
        $disconnect: disconnect.integration,
      },
    });
    const client = await openClient(gateway.url);
    client.ws.send('x');
    await message.event();
    client.ws.close(4001, 'done');
    for (const event of [await connect.event(), await message.event()]) {
      expect(event.requestContext).not.toHaveProperty('disconnectStatusCode');
      expect(event.requestContext).not.toHaveProperty('disconnectReason');
    }
    expect((await disconnect.event()).requestContext).toMatchObject({
      disconnectStatusCode: 4001,
      disconnectReason: 'done',
    });
  });

  it('gives requestTimeEpoch and connectedAt in epoch milliseconds', async () => {
    const message = recorder();
    gateway = await startTestGateway({ routes: { $default: message.integration } });
    const before = Date.now();
    const client = await openClient(gateway.url);
    client.ws.send('x');
    const rc = (await message.event()).requestContext as Record<string, number>;
    const after = Date.now();
    for (const value of [rc.connectedAt!, rc.requestTimeEpoch!]) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(before);
      expect(value).toBeLessThanOrEqual(after);
    }
    expect(rc.requestTimeEpoch).toBeGreaterThanOrEqual(rc.connectedAt!);
    client.ws.close();
  });
});
