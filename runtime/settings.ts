// What execute and stream share from createRuntime's options, validated once.
import type { Pool } from 'pg';
import type { AcquireLimits } from './acquire.js';
import type { AnyCompiledOperation } from './types.js';

/** Milliseconds (0 = no limit), per operation or for all; undefined keeps the connection's default. */
export type TimeoutSetting = number | ((operation: AnyCompiledOperation) => number | undefined);

export interface RuntimeSettings {
  readonly pool: Pool;
  /** Where queries run (a replica); mutations always run on `pool`. See readPool.ts. */
  readonly readPool: ReadPoolSettings | undefined;
  /**
   * False: every statement is sent unnamed (Parse/Bind/Execute/Sync in one round trip) and
   * statement_timeout/lock_timeout go into the statement's transaction, so nothing is kept per
   * connection (for PgBouncer in transaction mode before 1.21).
   */
  readonly namedStatements: boolean;
  readonly batchSize: number;
  /** Named prepared statements kept per connection (least recently used ones are deallocated). */
  readonly maxPreparedStatements: number;
  readonly debug: boolean;
  readonly onError: ((error: unknown, operation: AnyCompiledOperation) => void) | undefined;
  readonly statementTimeout: TimeoutSetting | undefined;
  readonly lockTimeout: TimeoutSetting | undefined;
  /** How long and behind how many others an operation may wait for a connection. */
  readonly acquire: AcquireLimits;
  /** Silence before a held connection without a statement timeout is checked (0: never); linkWatchdog.ts. */
  readonly linkCheckMs: number;
}

export interface ReadPoolSettings {
  readonly pool: Pool;
  /** How long a query waits for a readPool connection before it falls back (or fails). */
  readonly timeoutMs: number;
  /** Whether a query that cannot get a readPool connection in time runs on `pool` instead. */
  readonly fallback: boolean;
}
