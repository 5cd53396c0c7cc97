// Read replicas: queries check a client out of `readPool` (a replica, or a pooler in front of
// replicas) and mutations out of `pool`. A query that cannot get a readPool client within
// `readPoolTimeoutMs` (the replica is down, or all its connections are busy) runs on `pool`
// instead, unless `readPoolFallback` is false.
// The wait itself is acquire.ts's (session.ts calls it with readPoolTimeoutMs).
import type { Pool } from 'pg';
import { FraiseError } from './errors.js';
import type { ReadPoolSettings } from './settings.js';

export const DEFAULT_READ_POOL_TIMEOUT_MS = 1000;

export interface ReadPoolOptions {
  readonly readPool?: Pool;
  readonly readPoolTimeoutMs?: number;
  readonly readPoolFallback?: boolean;
}

/** Validates the read-replica options of createRuntime and createHandler. */
export function readPoolSettings(options: ReadPoolOptions, pool: Pool, caller: string): ReadPoolSettings | undefined {
  const readPool: unknown = options.readPool;
  if (readPool === undefined) {
    if (options.readPoolTimeoutMs !== undefined || options.readPoolFallback !== undefined) {
      throw new FraiseError('INVALID_OPTIONS', `${caller}: readPoolTimeoutMs and readPoolFallback need a readPool`);
    }
    return undefined;
  }
  if (typeof readPool !== 'object' || readPool === null || !('connect' in readPool) || !('query' in readPool)) {
    throw new FraiseError('INVALID_OPTIONS', `${caller}: \`readPool\` must be a pg Pool`);
  }
  if (readPool === pool) throw new FraiseError('INVALID_OPTIONS', `${caller}: \`readPool\` must be a different pg Pool than \`pool\``);
  const timeoutMs = options.readPoolTimeoutMs ?? DEFAULT_READ_POOL_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new FraiseError('INVALID_OPTIONS', `${caller}: readPoolTimeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}`);
  }
  const fallback = options.readPoolFallback ?? true;
  if (typeof fallback !== 'boolean') throw new FraiseError('INVALID_OPTIONS', `${caller}: readPoolFallback must be a boolean`);
  // As for `pool`: an idle client whose backend died makes the pool emit 'error'.
  const replica = readPool as Pool;
  if (replica.listenerCount('error') === 0) replica.on('error', () => {});
  return { pool: replica, timeoutMs, fallback };
}
