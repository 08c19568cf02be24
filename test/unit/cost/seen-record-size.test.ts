import { describe, expect, it } from 'vitest';
import type { TableDeps } from '../../../lambdas/core/deps.ts';
import { putConnection } from '../../../lambdas/core/store/connections.ts';
import { keys } from '../../../lambdas/core/store/keys.ts';
import { assumptions } from '../../../tools/cost/assumptions.ts';

/**
 * An item's size as DynamoDB bills it: each attribute's name plus its value, a string by its
 * UTF-8 bytes, a number by one byte per two significant digits plus one.
 */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number') {
      const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      bytes += Math.ceil(digits.length / 2) + 1;
    } else throw new Error(`no size rule for ${name}`);
  }
  return bytes;
}

describe('Assumption: the size of a last-seen record', () => {
  it('covers the record `$connect` writes, with a credential expiry and a claimed close', async () => {
    const sent: Array<{ Item?: Record<string, unknown> }> = [];
    const now = Date.UTC(2026, 11, 3, 12);
    const deps = {
      config: { TABLE_NAME: 'wavelet', CONNECTION_TTL_SECONDS: 7_200 },
      db: {
        send: async (command: { input: { Item?: Record<string, unknown> } }) => {
          sent.push(command.input);
          return {};
        },
      },
      now: () => now,
    } as unknown as TableDeps;
    // An API Gateway connection id is 16 characters.
    const connectionId = 'L0SM9cOFvHcCIhw=';
    await putConnection(deps, {
      connectionId,
      userId: 'auth0|5f7c8ec7c33c6c004bbafe82',
      roles: [],
      connectedAt: now,
      credentialExpiresAt: now + 3_600_000,
    });
    const seen = sent.map((input) => input.Item).find((item) => item?.pk === keys.seen(connectionId).pk);
    expect(seen).toBeDefined();
    // The sweeper's claim of an expired credential's close adds `closingAt`.
    const bytes = itemBytes({ ...seen, closingAt: now });
    expect(bytes).toBeLessThanOrEqual(assumptions.sweeper.seenRecordBytes);
    expect(bytes).toBeGreaterThan(assumptions.sweeper.seenRecordBytes * 0.8);
  });
});
