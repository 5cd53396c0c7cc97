// Bounds the named prepared statements of each connection. Whole-variable filters give one
// statement per shape, so a connection could otherwise collect statements without end: each pg
// client keeps its names in least-recently-used order (lru.ts), and before a new name is used on a
// full connection the oldest is DEALLOCATEd (and forgotten by pg, which would otherwise skip the Parse).
import type { PoolClient } from 'pg';
import { Lru } from './lru.js';
import { forgetPrepared, isPrepared } from './pgInternals.js';

const recent = new WeakMap<PoolClient, Lru<string, true>>();

/**
 * Marks `name` as used on the client, evicting the least recently used statements beyond `max`.
 * A name already used on the client (every request but a connection's first of a statement) is
 * settled at once, without a promise: callers `await` the result either way.
 */
export function useStatement(client: PoolClient, name: string, max: number): Promise<void> | undefined {
  let names = recent.get(client);
  if (names === undefined) {
    names = new Lru(max);
    recent.set(client, names);
  }
  if (names.touch(name)) return undefined;
  // Two runtimes may share a pool with different bounds: the caller's holds.
  names.max = max;
  const evicted = names.set(name, true);
  return evicted.length === 0 ? undefined : deallocateEvicted(client, evicted);
}

async function deallocateEvicted(client: PoolClient, evicted: readonly [string, true][]): Promise<void> {
  for (const [oldest] of evicted) {
    // A statement whose Parse failed was never prepared; there is nothing to deallocate.
    if (!isPrepared(client, oldest)) continue;
    await client.query(`DEALLOCATE "${oldest.replace(/"/g, '""')}"`);
    forgetPrepared(client, oldest);
  }
}
