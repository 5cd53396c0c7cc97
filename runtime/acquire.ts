// Getting a client from a pg Pool without waiting forever: the one place every operation (and a
// read pool's fallback) takes a connection. pg's own queue is unbounded and its wait is one
// pool-wide setting, so Fraise keeps a small gate per pool in front of it: at most `pool.options.max`
// clients held through the gate, at most `maxWaiting` callers queued behind them, each for at most
// `timeoutMs`. Past either limit the caller is refused at once with an AcquireRefused (a
// ConnectionFailure: 503 DATABASE_UNAVAILABLE with Retry-After), without touching PostgreSQL. A
// caller whose signal aborts (its client went away, or the server shuts down) leaves the queue.
import type { Pool, PoolClient } from 'pg';
import { ConnectionFailure } from './responseErrors.js';

export interface AcquireLimits {
  /** Longest wait for a client, in milliseconds (queue plus connecting). */
  readonly timeoutMs: number;
  /** Most callers waiting for a client of this pool (beyond, refused at once). */
  readonly maxWaiting: number;
}

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_WAITING = 100;
/** pg's default `max`. */
const PG_DEFAULT_MAX = 10;

/** Why no client was given. */
export type RefusalReason = 'timeout' | 'queue-full' | 'aborted';

/** No client within the limits: nothing was sent to PostgreSQL. */
export class AcquireRefused extends ConnectionFailure {
  constructor(readonly reason: RefusalReason) {
    super(new Error(REASONS[reason]));
  }
}

const REASONS: Record<RefusalReason, string> = {
  timeout: 'No database connection became free in time',
  'queue-full': 'Too many requests are waiting for a database connection',
  aborted: 'The request went away while waiting for a database connection',
};

/** A client held through the gate: `release` gives it back (with an error, the pool destroys it). */
export interface Acquired {
  readonly client: PoolClient;
  release(error?: Error): void;
}

/** How busy a pool's gate is (for tests, metrics and readiness checks). */
export interface PoolLoad {
  /** Clients held through the gate, including connections being opened. */
  readonly held: number;
  /** Callers queued for a client. */
  readonly waiting: number;
  /** Most clients the gate lets through at once (the pool's `max`). */
  readonly capacity: number;
}

interface Waiter {
  readonly grant: () => void;
}

class Gate {
  held = 0;
  readonly queue: Waiter[] = [];
  constructor(readonly capacity: number) {}

  /** Frees one place and hands it to the first waiter, if any. */
  free(): void {
    const next = this.queue.shift();
    if (next !== undefined) next.grant();
    else this.held--;
  }
}

const gates = new WeakMap<Pool, Gate>();

function gateOf(pool: Pool): Gate {
  let gate = gates.get(pool);
  if (gate === undefined) {
    const max = (pool as { options?: { max?: unknown } }).options?.max;
    gate = new Gate(typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : PG_DEFAULT_MAX);
    gates.set(pool, gate);
  }
  return gate;
}

export function poolLoad(pool: Pool): PoolLoad {
  const gate = gateOf(pool);
  return { held: gate.held, waiting: gate.queue.length, capacity: gate.capacity };
}

/**
 * Takes a client from `pool` within `limits`. Throws AcquireRefused (timeout, full queue, aborted)
 * or ConnectionFailure (the pool could not connect).
 */
export async function acquireClient(pool: Pool, limits: AcquireLimits, signal?: AbortSignal): Promise<Acquired> {
  if (signal?.aborted) throw new AcquireRefused('aborted');
  const gate = gateOf(pool);
  const deadline = performance.now() + limits.timeoutMs;
  if (gate.held < gate.capacity) gate.held++;
  else await waitForPlace(gate, limits, signal);
  // The place is ours: the pool has a free client or room to open one (unless other code shares
  // the pool, in which case its own queue applies, still within our deadline).
  return connectWithin(pool, gate, deadline - performance.now(), signal);
}

function takeIdle(pool: Pool, gate: Gate): Promise<Acquired> {
  return pool.connect().then(
    (client) => {
      let released = false;
      return {
        client,
        release: (error?: Error) => {
          if (released) return;
          released = true;
          client.release(error);
          gate.free();
        },
      };
    },
    (error: unknown) => {
      gate.free();
      throw new ConnectionFailure(error);
    },
  );
}

function waitForPlace(gate: Gate, limits: AcquireLimits, signal: AbortSignal | undefined): Promise<void> {
  if (gate.queue.length >= limits.maxWaiting) return Promise.reject(new AcquireRefused('queue-full'));
  return new Promise<void>((resolve, reject) => {
    const leave = (reason: RefusalReason): void => {
      const index = gate.queue.indexOf(waiter);
      if (index < 0) return;
      gate.queue.splice(index, 1);
      cleanup();
      reject(new AcquireRefused(reason));
    };
    const onAbort = (): void => leave('aborted');
    const timer = setTimeout(() => leave('timeout'), limits.timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    // `free` keeps `held` as it is when it hands the place over.
    const waiter: Waiter = {
      grant: () => {
        cleanup();
        resolve();
      },
    };
    gate.queue.push(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function connectWithin(pool: Pool, gate: Gate, remainingMs: number, signal: AbortSignal | undefined): Promise<Acquired> {
  // The common case under load: an idle client is there and nobody waits for one, so the pool hands
  // it over on its next tick without any network round trip. No deadline timer or abort listener
  // per request is needed for that (bench:http: they were a visible share of a lookup's Node CPU).
  if (pool.idleCount > 0 && pool.waitingCount === 0) return takeIdle(pool, gate);
  return new Promise<Acquired>((resolve, reject) => {
    let settled = false;
    const finish = (refusal: RefusalReason): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // The connect goes on; its client goes straight back to the pool when it arrives (below).
      gate.free();
      reject(new AcquireRefused(refusal));
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), Math.max(0, remainingMs));
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pool.connect().then(
      (client) => {
        if (settled) {
          client.release();
          return;
        }
        settled = true;
        cleanup();
        let released = false;
        resolve({
          client,
          release: (error) => {
            if (released) return;
            released = true;
            client.release(error);
            gate.free();
          },
        });
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        gate.free();
        reject(new ConnectionFailure(error));
      },
    );
  });
}
