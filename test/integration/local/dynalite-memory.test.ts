import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fixDynaliteMemory, unpooled } from '../../../local/dynamodb/dynalite-memory.ts';

interface Iterator {
  next(): Promise<unknown>;
  return?: () => Promise<void>;
}
interface Level {
  open(): Promise<void>;
  put(key: unknown, value: unknown): Promise<void>;
  batch(ops: { type: 'put'; key: unknown; value: unknown }[]): Promise<void>;
  keys(options?: object): Iterator & { all(): Promise<Buffer[]> };
  values(options?: object): Iterator & { all(): Promise<Buffer[]> };
}

// The store dynalite itself uses, from dynalite's own dependencies.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { MemoryLevel } = fromDynalite('memory-level') as { MemoryLevel: new (options: object) => Level };

describe('Function: fixDynaliteMemory', () => {
  it('gives store iterators a return() that closes them, as dynalite ends its streams', async () => {
    fixDynaliteMemory();
    const db = new MemoryLevel({ valueEncoding: 'json' });
    await db.open();
    await db.put('a', { n: 1 });
    const iterator = db.values();
    expect(typeof iterator.return).toBe('function');
    await iterator.return?.();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' });
  });

  it('stores keys and values in buffers of their own, not slices of the shared pool', async () => {
    fixDynaliteMemory();
    fixDynaliteMemory(); // idempotent: puts are wrapped once
    const db = new MemoryLevel({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const pooledKey = Buffer.from('CONN#abc');
    expect(pooledKey.buffer.byteLength).toBeGreaterThan(pooledKey.byteLength);
    await db.put(pooledKey, Buffer.from('{"pk":"CONN#abc"}'));
    await db.batch([{ type: 'put', key: Buffer.from('CONN#def'), value: Buffer.from('{}') }]);
    const stored = [...(await db.keys().all()), ...(await db.values().all())];
    expect(stored.map(String)).toEqual(['CONN#abc', 'CONN#def', '{"pk":"CONN#abc"}', '{}']);
    for (const b of stored) expect(b.buffer.byteLength).toBe(b.byteLength);
  });
});

describe('Function: unpooled', () => {
  it('copies a slice and leaves a buffer of its own and other values alone', () => {
    const slice = Buffer.from('x');
    const copy = unpooled(slice);
    expect(copy).not.toBe(slice);
    expect(copy.equals(slice)).toBe(true);
    expect(copy.buffer.byteLength).toBe(1);
    const own = Buffer.allocUnsafeSlow(3);
    expect(unpooled(own)).toBe(own);
    expect(unpooled('text')).toBe('text');
  });
});
