import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../lambdas/core/deps.ts';
import { sendDirectMessage } from '../../../lambdas/core/services/direct-messages.ts';
import { testConfig } from '../../helpers/config.ts';

/** Fake clients that log when each call starts and ends; the inbox write answers last. */
function fakeDeps(options: { failPut?: boolean; failQuery?: boolean } = {}) {
  const log: string[] = [];
  const deps = {
    config: testConfig(),
    db: {
      send: async (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }) => {
        // The read of the recipient's connections: their live-presence item.
        const live = command.constructor.name === 'GetCommand' && command.input.Key?.pk === 'LIVE#bob';
        const name = live ? 'ConnectionsRead' : command.constructor.name;
        log.push(`start ${name}`);
        if (name === 'PutCommand') {
          await new Promise((resolve) => setTimeout(resolve, 20));
          if (options.failPut) throw new Error('table unavailable');
        }
        if (live && options.failQuery) throw new Error('table unavailable');
        log.push(`end ${name}`);
        if (live) return { Item: { conns: new Set(['c1', 'c2']) } };
        if (name === 'UpdateCommand') return { Attributes: { count: 1 } };
        return {};
      },
    },
    posts: {
      post: async (connectionId: string) => {
        log.push(`post ${connectionId}`);
        return 'ok';
      },
    },
    now: Date.now,
  } as unknown as Deps;
  return { deps, log };
}

describe('Method: sendDirectMessage', () => {
  it('posts only once the inbox entry is stored, having read the connections meanwhile', async () => {
    const { deps, log } = fakeDeps();
    await sendDirectMessage(deps, { from: 'alice', to: 'bob', data: 'hi' });
    const firstPost = log.indexOf('post c1');
    expect(firstPost).toBeGreaterThan(log.indexOf('end PutCommand'));
    expect(log.indexOf('start ConnectionsRead')).toBeLessThan(log.indexOf('end PutCommand'));
    expect(log.indexOf('start ConnectionsRead')).toBeGreaterThanOrEqual(0);
    expect(log.filter((l) => l.startsWith('post'))).toEqual(['post c1', 'post c2']);
  });

  it('answers with the stored message when reading the connections fails, leaving it to sync', async () => {
    const { deps, log } = fakeDeps({ failQuery: true });
    const result = await sendDirectMessage(deps, { from: 'alice', to: 'bob', data: 'hi' });
    expect(result.messageId).toEqual(expect.any(String));
    expect(log).toContain('end PutCommand');
    expect(log.filter((l) => l.startsWith('post'))).toEqual([]);
  });

  it('posts nothing when the inbox entry cannot be stored', async () => {
    const { deps, log } = fakeDeps({ failPut: true });
    await expect(sendDirectMessage(deps, { from: 'alice', to: 'bob', data: 'hi' })).rejects.toThrow(
      'table unavailable',
    );
    expect(log.filter((l) => l.startsWith('post'))).toEqual([]);
  });
});
