// One pooled client for the length of one operation: an 'error' listener while it is held (an
// unlistened 'error' from a dead backend would crash the process), the operation's
// statement_timeout and lock_timeout, and a way to drop a statement whose cached plan went stale.
// Queries come from readPool when there is one (readPool.ts). With namedStatements: false the
// timeouts are not SET on the connection but go with the request context into the operation's
// transaction (`transactionSettings`), so nothing is left on a connection a pooler hands on.
import type { Pool, PoolClient } from 'pg';
import { acquireClient, AcquireRefused, type Acquired } from './acquire.js';
import type { ContextSettings } from './context.js';
import { linkProber } from './linkProbe.js';
import { watchLink } from './linkWatchdog.js';
import { forgetPrepared } from './pgInternals.js';
import { ConnectionFailure } from './responseErrors.js';
import type { RuntimeSettings, TimeoutSetting } from './settings.js';
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
  statement: number | undefined;
  lock: number | undefined;
}

/** What this runtime last SET on each connection, so that the common case costs no round trip. */
const applied = new WeakMap<PoolClient, AppliedTimeouts>();

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
  signal?: AbortSignal,
): Promise<Session> {
  const statement = timeoutOf(settings.statementTimeout, op);
  const lock = timeoutOf(settings.lockTimeout, op);
  const transactionSettings = settings.namedStatements ? context : withTimeouts(context, statement, lock);
  for (let attempt = 0; ; attempt++) {
    const session = await checkout(settings, op, transactionSettings, signal, statement);
    if (!settings.namedStatements) return session;
    try {
      await applyTimeouts(session.client, statement, lock);
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
async function acquire(settings: RuntimeSettings, op: AnyCompiledOperation, signal: AbortSignal | undefined): Promise<{ acquired: Acquired; pool: Pool }> {
  const read = op.kind === 'query' ? settings.readPool : undefined;
  if (read !== undefined) {
    try {
      const limits = { timeoutMs: read.timeoutMs, maxWaiting: settings.acquire.maxWaiting };
      return { acquired: await acquireClient(read.pool, limits, signal), pool: read.pool };
    } catch (error) {
      // A request whose client left has nothing to fall back for.
      if (!read.fallback || (error instanceof AcquireRefused && error.reason === 'aborted')) throw error;
    }
  }
  return { acquired: await acquireClient(settings.pool, settings.acquire, signal), pool: settings.pool };
}

async function checkout(
  settings: RuntimeSettings,
  op: AnyCompiledOperation,
  transactionSettings: ContextSettings | null,
  signal: AbortSignal | undefined,
  statementTimeoutMs: number | undefined,
): Promise<Session> {
  const { acquired, pool } = await acquire(settings, op, signal);
  const { client } = acquired;
  let lostListener: (error: Error) => void = () => {};
  const onError = (error: Error): void => lostListener(error);
  client.on('error', onError);
  const watchdog = watchLink(client, statementTimeoutMs, settings.linkCheckMs > 0 ? linkProber(pool, settings.linkCheckMs) : undefined);
  return {
    client,
    pool,
    transactionSettings,
    onLost: (listener) => {
      lostListener = listener;
    },
    waitingWhen: (waiting) => watchdog.waitingWhen(waiting),
    release: (error) => {
      watchdog.stop();
      client.off('error', onError);
      if (error !== undefined) applied.delete(client);
      acquired.release(error);
    },
  };
}

function timeoutOf(setting: TimeoutSetting | undefined, op: AnyCompiledOperation): number | undefined {
  const value = typeof setting === 'function' ? setting(op) : setting;
  // Validated here as well as in createRuntime: a function's result is only known now.
  return value === undefined || (Number.isSafeInteger(value) && value >= 0) ? value : undefined;
}

async function applyTimeouts(client: PoolClient, statement: number | undefined, lock: number | undefined): Promise<void> {
  const current = applied.get(client) ?? { statement: undefined, lock: undefined };
  const commands: string[] = [];
  // RESET returns to the session default (the pool's connection options or the server's).
  if (current.statement !== statement) commands.push(statement === undefined ? 'RESET statement_timeout' : `SET statement_timeout = ${statement}`);
  if (current.lock !== lock) commands.push(lock === undefined ? 'RESET lock_timeout' : `SET lock_timeout = ${lock}`);
  if (commands.length === 0) return;
  applied.delete(client); // unknown until the SET succeeded
  await client.query(commands.join('; '));
  applied.set(client, { statement, lock });
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
