import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { itemsWithPrefix } from '../../helpers/table.ts';
import { clientFor } from './client-fixtures.ts';

let rt: TestRuntime;
beforeAll(async () => {
  // One-second windows: five frames of each action, but six frames in all.
  rt = await startTestRuntime({
    functionEnv: { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '5', FRAME_BUDGET_PER_SECOND: '6' },
  });
});
afterAll(() => rt?.stop());

describe('Class: WaveletClient, over the frame budget', () => {
  // Generous: the first frames load the functions, which is slow on a busy machine.
  it('waits out RATE_LIMITED across actions, so every request of a burst over three actions succeeds', {
    timeout: 60_000,
  }, async () => {
    const { client } = clientFor(rt, 'budget-alice', { rateLimitRetries: 10 });
    await client.connect();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => [
        client.send('budget-bob', { i }),
        client.setStatus(i % 2 ? 'away' : 'busy'),
        client.ack([`m${i}`]),
      ]).flat(),
    );
    expect(answers).toHaveLength(15);
    // Fifteen frames at six a window take at least three windows: the budget was met and waited out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const inbox = await itemsWithPrefix(rt.db, rt.endpoints.tableName, 'INBOX#budget-bob');
    // The partition also holds its META and the sender's share count (FROM#budget-alice): five sends, five messages.
    expect(inbox.filter((item) => String(item.sk).startsWith('MSG#'))).toHaveLength(5);
    await client.close();
  });
});
