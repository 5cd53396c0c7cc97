// Getting a client from a pg Pool without waiting forever: the one place every operation (and a
// read pool's fallback) takes a connection. pg's own queue is unbounded and its wait is one
// pool-wide setting, so Fraise keeps a small gate per pool in front of it: at most `pool.options.max`
// clients held through the gate, at most `maxWaiting` callers queued behind them, each for at most
// `timeoutMs`. Past either limit the caller is refused at once with an AcquireRefused (a
// ConnectionFailure: 503 DATABASE_UNAVAILABLE with Retry-After), without touching PostgreSQL. A
// caller whose signal aborts (its client went away, or the server shuts down) leaves the queue.
import type { Pool, PoolClient } from 'pg';
import type { CancelSignal } from './cancelSignal.js';
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
  /** The pool it came from (a cancel request goes to that server). */
  readonly pool: Pool;
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
  /** performance.now() past which the wait fails with 'timeout'. */
  readonly deadline: number;
  /** The place is handed over (`held` stays as it is). */
  grant(): void;
  /** Taken out of the queue without a place. */
  refuse(reason: RefusalReason): void;
}

class Gate {
  held = 0;
  readonly queue: Waiter[] = [];
  /**
   * One timer per gate for the waiters' deadlines, armed for the earliest (a timer per waiter was a
   * visible share of a small request's Node CPU in bench:http whenever the pool was busy). Unref'd:
   * a waiter waits for a client that some running operation holds, which keeps the process alive.
   */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  constructor(readonly capacity: number) {}

  /** Frees one place and hands it to the first waiter, if any. */
  free(): void {
    const next = this.queue.shift();
    if (next !== undefined) next.grant();
    else this.held--;
  }

  enqueue(waiter: Waiter): void {
    this.queue.push(waiter);
    if (waiter.deadline < this.#timerAt) this.#arm(waiter.deadline);
  }

  /** Takes `waiter` out of the queue; false when it was not in it (granted or refused already). */
  leave(waiter: Waiter): boolean {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }

  #arm(deadline: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = deadline;
    this.#timer = setTimeout(this.#expire, Math.max(0, deadline - performance.now()));
    this.#timer.unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const waiter of [...this.queue]) {
      if (waiter.deadline <= now) {
        this.leave(waiter);
        waiter.refuse('timeout');
      } else if (waiter.deadline < next) next = waiter.deadline;
    }
    if (next < Infinity) this.#arm(next);
  };
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
 * Takes a client from `pool` within `limits`. Rejects with AcquireRefused (timeout, full queue,
 * aborted) or ConnectionFailure (the pool could not connect).
 */
export function acquireClient(pool: Pool, limits: AcquireLimits, signal?: CancelSignal): Promise<Acquired> {
  if (signal?.aborted) return Promise.reject(new AcquireRefused('aborted'));
  const gate = gateOf(pool);
  const deadline = performance.now() + limits.timeoutMs;
  // The place is ours: the pool has a free client or room to open one (unless other code shares
  // the pool, in which case its own queue applies, still within our deadline).
  if (gate.held < gate.capacity) {
    gate.held++;
    return connectWithin(pool, gate, deadline, signal);
  }
  return waitForPlace(gate, limits, deadline, signal).then(() => connectWithin(pool, gate, deadline, signal));
}

/** A client held through the gate; released once, whatever calls release. */
class Held implements Acquired {
  #released = false;
  constructor(
    readonly client: PoolClient,
    readonly pool: Pool,
    private readonly gate: Gate,
  ) {}

  release(error?: Error): void {
    if (this.#released) return;
    this.#released = true;
    this.client.release(error);
    this.gate.free();
  }
}

function waitForPlace(gate: Gate, limits: AcquireLimits, deadline: number, signal: CancelSignal | undefined): Promise<void> {
  if (gate.queue.length >= limits.maxWaiting) return Promise.reject(new AcquireRefused('queue-full'));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      if (gate.leave(waiter)) waiter.refuse('aborted');
    };
    const waiter: Waiter = {
      deadline,
      // `free` keeps `held` as it is when it hands the place over.
      grant: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      refuse: (reason) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new AcquireRefused(reason));
      },
    };
    gate.enqueue(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function connectWithin(pool: Pool, gate: Gate, deadline: number, signal: CancelSignal | undefined): Promise<Acquired> {
  // The common case under load: an idle client is there and nobody waits for one, so the pool hands
  // it over on its next tick without any network round trip. No deadline timer or abort listener
  // per request is needed for that (bench:http: they were a visible share of a lookup's Node CPU),
  // nor pg-pool's own promise (its callback form).
  if (pool.idleCount > 0 && pool.waitingCount === 0) {
    return new Promise<Acquired>((resolve, reject) => {
      pool.connect((error, client) => {
        if (!error && client !== undefined) resolve(new Held(client, pool, gate));
        else {
          gate.free();
          reject(new ConnectionFailure(error));
        }
      });
    });
  }
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
    const timer = setTimeout(() => finish('timeout'), Math.max(0, deadline - performance.now()));
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
        resolve(new Held(client, pool, gate));
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
