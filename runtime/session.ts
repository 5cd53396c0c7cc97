// One pooled client for the length of one operation: an 'error' listener while it is held (an
// unlistened 'error' from a dead backend would crash the process), the operation's
// statement_timeout and lock_timeout, and a way to drop a statement whose cached plan went stale.
import type { PoolClient } from 'pg';
import { acquireClient } from './acquire.js';
import { ConnectionFailure } from './responseErrors.js';
import type { RuntimeSettings, TimeoutSetting } from './settings.js';
import type { AnyCompiledOperation } from './types.js';

export interface Session {
  readonly client: PoolClient;
  /** The held client's connection failed (its 'error' event). Replaced by each call. */
  onLost(listener: (error: Error) => void): void;
  /** Gives the client back; with an error the pool destroys it instead of reusing it. */
  release(error?: Error): void;
}

interface AppliedTimeouts {
  statement: number | undefined;
  lock: number | undefined;
}

/** What this runtime last SET on each connection, so that the common case costs no round trip. */
const applied = new WeakMap<PoolClient, AppliedTimeouts>();

/**
 * Checks a client out (within settings.acquire, see acquire.ts); throws ConnectionFailure when none
 * can be had. `signal` aborts the wait (the client went away). A client that fails while its
 * timeouts are set (its backend died while it sat idle in the pool) is destroyed and one more is
 * tried.
 */
export async function openSession(settings: RuntimeSettings, op: AnyCompiledOperation, signal?: AbortSignal): Promise<Session> {
  for (let attempt = 0; ; attempt++) {
    const session = await checkout(settings, signal);
    try {
      await applyTimeouts(session.client, timeoutOf(settings.statementTimeout, op), timeoutOf(settings.lockTimeout, op));
      return session;
    } catch (error) {
      session.release(error instanceof Error ? error : new Error(String(error)));
      if (attempt > 0) throw new ConnectionFailure(error);
    }
  }
}

async function checkout(settings: RuntimeSettings, signal: AbortSignal | undefined): Promise<Session> {
  const acquired = await acquireClient(settings.pool, settings.acquire, signal);
  const { client } = acquired;
  let lostListener: (error: Error) => void = () => {};
  const onError = (error: Error): void => lostListener(error);
  client.on('error', onError);
  return {
    client,
    onLost: (listener) => {
      lostListener = listener;
    },
    release: (error) => {
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

/** The part of pg's internal Connection that records which statements it prepared. */
interface PreparedStatements {
  readonly parsedStatements: Record<string, string | undefined>;
}

/**
 * Forgets the prepared statement `name` on this connection (server and pg's record of it), so that
 * the next use parses and plans it afresh: after a view changed the columns a plan returns,
 * PostgreSQL refuses the cached plan ("cached plan must not change result type", 0A000).
 */
export async function deallocate(client: PoolClient, name: string): Promise<void> {
  await client.query(`DEALLOCATE "${name.replace(/"/g, '""')}"`);
  const connection = (client as unknown as { connection: PreparedStatements }).connection;
  delete connection.parsedStatements[name];
}
