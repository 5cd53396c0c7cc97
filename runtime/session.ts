// One pooled client for the length of one operation: an 'error' listener while it is held (an
// unlistened 'error' from a dead backend would crash the process), the operation's
// statement_timeout and lock_timeout, and a way to drop a statement whose cached plan went stale.
// Queries come from readPool when there is one (readPool.ts). With namedStatements: false the
// timeouts are not SET on the connection but go with the request context into the operation's
// transaction (`transactionSettings`), so nothing is left on a connection a pooler hands on.
import type { Pool, PoolClient } from 'pg';
import { acquireClient, AcquireRefused, type Acquired } from './acquire.js';
import type { ContextSettings } from './context.js';
import type { CancelSignal } from './cancelSignal.js';
import { linkProber } from './linkProbe.js';
import { watchLink, type LinkWatchdog } from './linkWatchdog.js';
import { forgetPrepared } from './pgInternals.js';
import { ConnectionFailure } from './responseErrors.js';
import type { ReadPoolSettings, RuntimeSettings, TimeoutSetting } from './settings.js';
import type { AnyCompiledOperation, CompiledStatement } from './types.js';

/** The statement as it is sent: unnamed (name '') when namedStatements is false. */
export function sentStatement(settings: RuntimeSettings, statement: CompiledStatement): CompiledStatement {
  return settings.namedStatements ? statement : { name: '', text: statement.text };
}

export interface Session {
  readonly client: PoolClient;
  /** The pool the client came from (a cancel request goes to that server). */
  readonly pool: Pool;
  /**
   * What to set_config in the operation's transaction: the request context and, with
   * namedStatements: false, statement_timeout and lock_timeout. Null when nothing.
   */
  readonly transactionSettings: ContextSettings | null;
  /** The held client's connection failed (its 'error' event). Replaced by each call. */
  onLost(listener: (error: Error) => void): void;
  /** Gives the client back; with an error the pool destroys it instead of reusing it. */
  release(error?: Error): void;
  /** Tells the link watchdog when we wait for PostgreSQL (see linkWatchdog.ts); default: always. */
  waitingWhen(waiting: () => boolean): void;
}

interface AppliedTimeouts {
  readonly statement: number | undefined;
  readonly lock: number | undefined;
}

/** What this runtime last SET on each connection, so that the common case costs no round trip. */
const applied = new WeakMap<PoolClient, AppliedTimeouts>();
const NOTHING_APPLIED: AppliedTimeouts = { statement: undefined, lock: undefined };

/**
 * Checks a client out (within settings.acquire, see acquire.ts); throws ConnectionFailure when none
 * can be had. `signal` ends the wait (the client went away, or the server shuts down). A client
 * that fails while its timeouts are set (its backend died while it sat idle in the pool) is
 * destroyed and one more is tried.
 */
export async function openSession(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  context: ContextSettings | null = null,
  signal?: CancelSignal,
): Promise<Session> {
  const statement = timeoutOf(settings.statementTimeout, op);
  const lock = timeoutOf(settings.lockTimeout, op);
  const transactionSettings = settings.namedStatements ? context : withTimeouts(context, statement, lock);
  for (let attempt = 0; ; attempt++) {
    const session = new HeldSession(await acquire(settings, op, signal), transactionSettings, statement, settings.linkCheckMs);
    if (!settings.namedStatements) return session;
    // Usually the connection has them already: no round trip, and no turn of the event loop.
    const applying = applyTimeouts(session.client, statement, lock);
    if (applying === undefined) return session;
    try {
      await applying;
      return session;
    } catch (error) {
      session.release(error instanceof Error ? error : new Error(String(error)));
      if (attempt > 0) throw new ConnectionFailure(error);
    }
  }
}

/** The request context plus the timeouts as transaction-local settings (namedStatements: false). */
function withTimeouts(context: ContextSettings | null, statement: number | undefined, lock: number | undefined): ContextSettings | null {
  if (statement === undefined && lock === undefined) return context;
  const names = [...(context?.names ?? [])];
  const values = [...(context?.values ?? [])];
  if (statement !== undefined) {
    names.push('statement_timeout');
    values.push(String(statement));
  }
  if (lock !== undefined) {
    names.push('lock_timeout');
    values.push(String(lock));
  }
  return { names, values };
}

/**
 * A client from readPool for a query (falling back to pool if allowed), else from pool; both
 * through acquire.ts, so every wait is bounded (the read pool's by readPoolTimeoutMs).
 */
function acquire(settings: RuntimeSettings, op: AnyCompiledOperation, signal: CancelSignal | undefined): Promise<Acquired> {
  const read = op.kind === 'query' ? settings.readPool : undefined;
  if (read === undefined) return acquireClient(settings.pool, settings.acquire, signal);
  return acquireFromReadPool(settings, read, signal);
}

async function acquireFromReadPool(settings: RuntimeSettings, read: ReadPoolSettings, signal: CancelSignal | undefined): Promise<Acquired> {
  try {
    return await acquireClient(read.pool, { timeoutMs: read.timeoutMs, maxWaiting: settings.acquire.maxWaiting }, signal);
  } catch (error) {
    // A request whose client left has nothing to fall back for.
    if (!read.fallback || (error instanceof AcquireRefused && error.reason === 'aborted')) throw error;
  }
  return acquireClient(settings.pool, settings.acquire, signal);
}

/** Where a client's 'error' event finds the session holding it (undefined while it sits in the pool). */
const HOLDER = Symbol('fraise.session');

interface ListenedClient {
  [HOLDER]?: HeldSession | undefined;
}

/**
 * Each client gets this listener once, the first time it is checked out, and keeps it: an 'error'
 * listener added and removed around every operation was listener churn on every request. While
 * the client sits idle in the pool, pg-pool's own listener handles its errors and this one does
 * nothing.
 */
function onClientError(this: PoolClient, error: Error): void {
  (this as ListenedClient)[HOLDER]?.lost(error);
}

const IGNORE_LOSS = (_error: Error): void => {};

class HeldSession implements Session {
  readonly client: PoolClient;
  readonly pool: Pool;
  #lost = IGNORE_LOSS;
  readonly #watchdog: LinkWatchdog;

  constructor(
    private readonly acquired: Acquired,
    readonly transactionSettings: ContextSettings | null,
    statementTimeoutMs: number | undefined,
    linkCheckMs: number,
  ) {
    const client = acquired.client;
    this.client = client;
    this.pool = acquired.pool;
    const listened = client as ListenedClient;
    if (!(HOLDER in listened)) client.on('error', onClientError);
    listened[HOLDER] = this;
    this.#watchdog = watchLink(client, statementTimeoutMs, linkCheckMs > 0 ? linkProber(acquired.pool, linkCheckMs) : undefined);
  }

  onLost(listener: (error: Error) => void): void {
    this.#lost = listener;
  }

  lost(error: Error): void {
    this.#lost(error);
  }

  waitingWhen(waiting: () => boolean): void {
    this.#watchdog.waitingWhen(waiting);
  }

  release(error?: Error): void {
    this.#watchdog.stop();
    const listened = this.client as ListenedClient;
    if (listened[HOLDER] === this) listened[HOLDER] = undefined;
    if (error !== undefined) applied.delete(this.client);
    this.acquired.release(error);
  }
}

function timeoutOf(setting: TimeoutSetting | undefined, op: AnyCompiledOperation): number | undefined {
  const value = typeof setting === 'function' ? setting(op) : setting;
  // Validated here as well as in createRuntime: a function's result is only known now.
  return value === undefined || (Number.isSafeInteger(value) && value >= 0) ? value : undefined;
}

/** The SETs the connection needs for these timeouts, as a promise; undefined when it has them. */
function applyTimeouts(client: PoolClient, statement: number | undefined, lock: number | undefined): Promise<void> | undefined {
  const current = applied.get(client) ?? NOTHING_APPLIED;
  if (current.statement === statement && current.lock === lock) return undefined;
  const commands: string[] = [];
  // RESET returns to the session default (the pool's connection options or the server's).
  if (current.statement !== statement) commands.push(statement === undefined ? 'RESET statement_timeout' : `SET statement_timeout = ${statement}`);
  if (current.lock !== lock) commands.push(lock === undefined ? 'RESET lock_timeout' : `SET lock_timeout = ${lock}`);
  applied.delete(client); // unknown until the SET succeeded
  return client.query(commands.join('; ')).then(() => {
    applied.set(client, { statement, lock });
  });
}

/**
 * Forgets the prepared statement `name` on this connection (server and pg's record of it), so that
 * the next use parses and plans it afresh: after a view changed the columns a plan returns,
 * PostgreSQL refuses the cached plan ("cached plan must not change result type", 0A000).
 */
export async function deallocate(client: PoolClient, name: string): Promise<void> {
  await client.query(`DEALLOCATE "${name.replace(/"/g, '""')}"`);
  forgetPrepared(client, name);
}
