import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WaveletClientOptions } from '../../../client/index.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { sleep } from '../../helpers/socket.ts';
import { eventually, itemsWithPrefix } from '../../helpers/table.ts';
import { clientEnv, clientFor } from '../client/client-fixtures.ts';

/**
 * The defaults, with a minute shortened to 200 ms: API Gateway's 10-minute idle timeout is 2 s,
 * the sweeper runs every "5 minutes" (1 s) and checks connections not seen for "10 minutes"
 * (SWEEP_IDLE_SECONDS 2), the ping handler writes last-seen at most once a "minute", and the SDK
 * pings after "8 minutes" of silence and at least every "9".
 */
const minute = 200;
const sdk: Partial<WaveletClientOptions> = {
  heartbeatMs: 8 * minute,
  lastSeenMs: 9 * minute,
  deadSocketMs: 8 * minute,
  heartbeatTimeoutMs: 1000,
};

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    scheduleRateMs: 5 * minute,
    limits: { idleTimeoutMs: 10 * minute },
    functionEnv: {
      ...clientEnv,
      SWEEP_IDLE_SECONDS: String((10 * minute) / 1000),
      LAST_SEEN_WRITE_INTERVAL_MS: String(minute),
    },
  });
  // The first handshake also loads the authorizer and the connect function: on a busy machine
  // longer than the sweeper's 2 s horizon, and a sweep then prunes the connection on the 410 of
  // a socket still in its handshake (config.ts SWEEP_IDLE_SECONDS), so its first frame answers
  // "no longer registered". A connection nobody watches takes that cold start.
  const warmUp = await rt.connect('hb-warm-up');
  await warmUp.close();
});
afterAll(() => rt?.stop());

describe('Heartbeat and sweeper, at the defaults (a minute shortened to 200 ms)', () => {
  it('keeps an idle SDK client open and online for "30 minutes" without one GET @connections', {
    timeout: 30_000,
  }, async () => {
    const { client } = clientFor(rt, 'hb-idle', sdk);
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    await client.connect();
    await client.join('hb-idle-room');
    // The "30 minutes" start once last-seen has moved past the connection time. Until then it is
    // the time the handshake began, while the SDK counts from the open socket: the handshake
    // (ticket, authorizer, $connect) takes a second on a busy machine, "5 minutes" here, and
    // would eat the "minute" between the SDK's ping and the sweeper's horizon (deployed, a
    // handshake is a second of that minute).
    const [connection] = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'CONN#')).filter(
      (c) => c.userId === 'hb-idle',
    );
    const movedOn = await eventually(async () => {
      const seen = (await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'SEEN#')).find(
        (s) => s.connectionId === connection?.connectionId,
      );
      return Number(seen?.lastSeenAt) > Number(connection?.connectedAt);
    }, 10_000);
    expect(movedOn).toBe(true);
    const getsBefore = rt.gateway.stats().gets200 ?? 0;
    await sleep(30 * minute);
    // No idle close, and last-seen stayed inside the sweeper's horizon: it never had to ask.
    expect(states).not.toContain('reconnecting');
    expect((rt.gateway.stats().gets200 ?? 0) - getsBefore).toBe(0);
    expect(await client.who('hb-idle-room')).toEqual({ users: [{ user: 'hb-idle', status: 'online' }] });
    await client.close();
  });

  it('takes a client whose $disconnect was lost out of presence within "15 minutes" of its last ping', {
    timeout: 30_000,
  }, async () => {
    const watcher = clientFor(rt, 'hb-watcher', sdk).client;
    const ghost = clientFor(rt, 'hb-ghost', sdk).client;
    await watcher.connect();
    await ghost.connect();
    await watcher.join('hb-room');
    await ghost.join('hb-room');
    const offline = new Promise<number>((resolve) =>
      watcher.on('presence', (e) => {
        if (e.user === 'hb-ghost' && e.status === 'offline') resolve(Date.now());
      }),
    );
    // Its last frame (a ping) goes out now; the socket closes and API Gateway drops the $disconnect.
    await ghost.ping();
    const lastPing = Date.now();
    rt.gateway.setFaults({ dropDisconnect: 1 });
    await ghost.close();
    rt.gateway.setFaults({ dropDisconnect: 0 });
    const elapsed = (await offline) - lastPing;
    // The horizon (10) and one schedule period (5): 3 s, plus a second for the local functions.
    expect(elapsed).toBeLessThan(15 * minute + 1000);
    await watcher.close();
  });
});
