import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionState, WaveletClient, type WaveletError } from '../../../client/index.ts';
import { localDefaults } from '../../../local/defaults.ts';
import { signToken } from '../../../tools/sign-token.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

/** A token function of 3-second tokens (whole-second exp: 2 to 3 s left when issued). */
const shortTokens = (user: () => string) => {
  let calls = 0;
  const token = async () => {
    calls += 1;
    return signToken(user(), { secret: localDefaults.jwtSecret, expiresInSeconds: 3 });
  };
  return { token, calls: () => calls };
};

function clientWith(token: () => Promise<string>) {
  const client = new WaveletClient({
    url: rt.endpoints.websocket,
    token,
    WebSocket,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const expired: WaveletError[] = [];
  const states: ConnectionState[] = [];
  client.on('expired', (e) => expired.push(e));
  client.on('state', (s) => states.push(s));
  client.on('error', () => undefined);
  return { client, expired, states };
}

describe('SDK: credential refresh against the local runtime', () => {
  it('refreshes a 3-second token before it expires, so frames keep working on the same socket', async () => {
    const tokens = shortTokens(() => 'rita');
    const { client, expired, states } = clientWith(tokens.token);
    await client.connect();
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < 7_000) {
      await client.send('sam', { n: sent });
      sent += 1;
      await sleep(250);
    }
    expect(sent).toBeGreaterThan(10);
    expect(tokens.calls()).toBeGreaterThanOrEqual(3); // the handshake, then a refresh every 1.5 to 2.3 s
    expect(expired).toEqual([]);
    expect(states).toEqual(['connecting', 'open']);
    await client.close();
  });

  it('tells the app when the token function gives another user, and the server refuses it', async () => {
    let user = 'tom';
    const tokens = shortTokens(() => user);
    const { client, expired } = clientWith(tokens.token);
    await client.connect();
    user = 'mallory';
    await sleep(3_000);
    expect(expired.map((e) => e.code)).toContain('FORBIDDEN');
    await client.close();
  });

  it('tells the app when the token function throws, and frames are then refused "credential expired"', async () => {
    let calls = 0;
    const token = async () => {
      calls += 1;
      if (calls > 1) throw new Error('signed out');
      return signToken('una', { secret: localDefaults.jwtSecret, expiresInSeconds: 2 });
    };
    const { client, expired } = clientWith(token);
    await client.connect();
    await sleep(2_100);
    const refused = await client.send('sam', 'late').catch((e: WaveletError) => e);
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', message: 'credential expired' });
    // The refresh before expiry could not get a token; the refused frame says so again.
    expect(expired.map((e) => e.code).slice(0, 2)).toEqual(['AUTH_FAILED', 'UNAUTHORIZED']);
    await client.close();
  });
});
