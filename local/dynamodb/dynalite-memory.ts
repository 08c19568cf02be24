import { createRequire } from 'node:module';

interface ClosableIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
}

type Put = (key: unknown, value: unknown, options: unknown) => Promise<void>;
type Operation = { type: 'put' | 'del'; key: unknown; value?: unknown };
type Batch = (operations: Operation[], options: unknown) => Promise<void>;

interface MemoryLevelPrototype {
  _put: Put;
  _batch: Batch;
  [patched]?: true;
}

const patched = Symbol('wavelet.unpooled');

/**
 * Two leaks that made the in-memory DynamoDB grow with every request, fixed from outside
 * dynalite (4.0.0) and its stores (abstract-level 3, memory-level 3):
 *
 * - dynalite ends each Query and Scan stream by calling `iterator.return()` when there is one;
 *   abstract-level 3 iterators have `close()` and no `return()`, so none was ever closed. Each
 *   stayed attached to the database and pinned the tree as it was when the query ran, and with
 *   it every node replaced by later writes. Iterators get a `return()` that closes them.
 * - memory-level keeps the encoded keys and values it is given, and the encoder makes small
 *   Buffers as slices of Node's shared 8 KB pool: one stored 60-byte key kept a whole 8 KB slab
 *   alive (about 9 KB per stored item, 20 MB for 2,000 connections). Stored keys and values are
 *   copied into buffers of their own size.
 *
 * Idempotent; changes only the copies of those modules that dynalite loads.
 */
export function fixDynaliteMemory(): void {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  for (const store of ['memory-level', 'level']) {
    const abstractLevel = createRequire(fromDynalite.resolve(store))('abstract-level') as Record<
      string,
      { prototype: ClosableIterator } | undefined
    >;
    for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
      const prototype = abstractLevel[name]?.prototype;
      if (!prototype || typeof prototype.return === 'function') continue;
      prototype.return = function (this: ClosableIterator) {
        return this.close();
      };
    }
  }
  const { MemoryLevel } = fromDynalite('memory-level') as {
    MemoryLevel: { prototype: MemoryLevelPrototype };
  };
  const prototype = MemoryLevel.prototype;
  if (prototype[patched]) return;
  const put = prototype._put;
  const batch = prototype._batch;
  prototype._put = function (this: unknown, key, value, options) {
    return put.call(this, unpooled(key), unpooled(value), options);
  };
  prototype._batch = function (this: unknown, operations, options) {
    const owned = operations.map((op) =>
      op.type === 'put' ? { ...op, key: unpooled(op.key), value: unpooled(op.value) } : op,
    );
    return batch.call(this, owned, options);
  };
  prototype[patched] = true;
}

/** A byte array that is a slice of a larger buffer, copied into one of its own size. */
export function unpooled<T>(data: T): T {
  if (!(data instanceof Uint8Array) || data.byteLength === data.buffer.byteLength) return data;
  const own = Buffer.allocUnsafeSlow(data.byteLength);
  own.set(data);
  return own as unknown as T;
}
