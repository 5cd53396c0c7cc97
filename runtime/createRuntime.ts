// The runtime: executes compiled operations against a pg Pool. No GraphQL parsing, validation or
// SQL generation happens here; everything was decided at build time.
import type { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_MAX_WAITING } from './acquire.js';
import { contextSettings, type RequestContext } from './context.js';
import { FraiseError } from './errors.js';
import { executeOperation } from './executeOperation.js';
import { checkPgInternals } from './pgInternals.js';
import type { RuntimeSettings, TimeoutSetting } from './settings.js';
import { readPoolSettings, type ReadPoolOptions } from './readPool.js';
import { streamOperation } from './streamOperation.js';
import type { AnyCompiledOperation, DataOf, ExecutionResult, VariablesOf } from './types.js';

export interface RuntimeOptions extends ReadPoolOptions {
  readonly pool: Pool;
  /**
   * Default true: each statement is prepared once per connection under its name. False: every
   * statement goes unnamed (Parse/Bind/Execute/Sync in one round trip, the request context and the
   * timeouts in the same transaction) and nothing is kept per connection. Needed behind PgBouncer
   * in transaction mode before 1.21 (or with max_prepared_statements = 0); see docs/scaling.md.
   */
  readonly namedStatements?: boolean;
  /**
   * A pool on a read replica: queries run there, mutations on `pool`. A query that cannot get a
   * readPool connection within `readPoolTimeoutMs` (default 1000) runs on `pool`, unless
   * `readPoolFallback` is false (then it fails with DATABASE_UNAVAILABLE).
   */
  readonly readPool?: Pool;
  readonly readPoolTimeoutMs?: number;
  readonly readPoolFallback?: boolean;
  /** Rows per round trip when streaming a list (default 1000). */
  readonly batchSize?: number;
  /** Adds PostgreSQL's error message to DATABASE_ERROR errors. Development only: it can quote data. */
  readonly debug?: boolean;
  /** Sees every database failure (responses only carry the SQLSTATE), e.g. for logging. */
  readonly onError?: (error: unknown, operation: AnyCompiledOperation) => void;
  /**
   * statement_timeout in milliseconds (0 = none), for every operation or per operation; undefined
   * keeps the connection's default. Set on a connection only when it differs from what it has.
   */
  readonly statementTimeout?: TimeoutSetting;
  /** lock_timeout in milliseconds, like statementTimeout. */
  readonly lockTimeout?: TimeoutSetting;
  /**
   * Named prepared statements kept per connection (default 256). Whole-variable filters prepare one
   * statement per shape; beyond this many, the least recently used is DEALLOCATEd.
   */
  readonly maxPreparedStatements?: number;
  /**
   * Longest wait for a pooled connection, in milliseconds (default 1000). Past it the operation
   * gets DATABASE_UNAVAILABLE (HTTP 503 with Retry-After) without reaching PostgreSQL.
   */
  readonly acquireTimeoutMs?: number;
  /**
   * Most operations waiting for a connection of the pool at once (default 100); more are refused
   * at once like a timeout.
   */
  readonly maxWaiting?: number;
  /**
   * For operations without a statement timeout: after this many milliseconds without a byte from
   * PostgreSQL while an operation waits for it, the connection is checked on a new one (is its
   * backend still working for us?) and destroyed when it is lost (DATABASE_UNAVAILABLE), so a
   * half-open connection is found within about twice this. Default 10000; 0 turns it off. With a
   * statement timeout, a silence of that timeout plus 1 s destroys the connection instead.
   */
  readonly linkCheckMs?: number;
}

export type { RequestContext };

export interface ExecuteOptions {
  /**
   * Tenant, user, roles...: each key is set as `app.<key>` with set_config(..., true) in the
   * transaction of the operation's statements (see context.ts).
   */
  readonly context?: RequestContext;
}

export type Variables<TOp> = VariablesOf<TOp> | null | undefined;

export interface Runtime {
  /** Runs the operation and returns its GraphQL response. Bad variables never reach SQL. */
  execute<TOp extends AnyCompiledOperation>(
    op: TOp,
    variables?: Variables<TOp>,
    options?: ExecuteOptions,
  ): Promise<ExecutionResult<DataOf<TOp>>>;
  /**
   * Writes the operation's GraphQL response (JSON) to `writable` and ends it. Resolves once written,
   * or once the writable went away early. Rejects, after destroying the writable with the same
   * FraiseError, when a failure comes after the response began.
   */
  stream<TOp extends AnyCompiledOperation>(
    op: TOp,
    variables: Variables<TOp>,
    writable: Writable,
    options?: ExecuteOptions,
  ): Promise<void>;
}

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_MAX_PREPARED_STATEMENTS = 256;
/** A half-open connection without a statement timeout is found within about 2 x this (linkWatchdog.ts). */
const DEFAULT_LINK_CHECK_MS = 10_000;
const MAX_BATCH_SIZE = 0x7fffffff; // Execute's row limit is an int32 (and 0 would mean "all")

export function createRuntime(options: RuntimeOptions): Runtime {
  const settings = settingsOf(options);
  return {
    execute: async <TOp extends AnyCompiledOperation>(op: TOp, variables?: Variables<TOp>, callOptions?: ExecuteOptions) => {
      checkCall(op);
      const context = contextSettings(callOptions?.context);
      const result = await executeOperation(settings, op, asVariables(variables), context);
      // The generated module's types describe what its SQL builds; the runtime cannot check them.
      return result as ExecutionResult<DataOf<TOp>>;
    },
    stream: async <TOp extends AnyCompiledOperation>(op: TOp, variables: Variables<TOp>, writable: Writable, callOptions?: ExecuteOptions) => {
      checkCall(op);
      const context = contextSettings(callOptions?.context);
      await streamOperation(settings, op, asVariables(variables), writable, context);
    },
  };
}

/** Validates the options shared by createRuntime and createHandler. */
export function settingsOf(options: RuntimeOptions, caller = 'createRuntime'): RuntimeSettings {
  const pool: unknown = options?.pool;
  if (typeof pool !== 'object' || pool === null || !('connect' in pool) || !('query' in pool)) {
    throw new FraiseError('INVALID_OPTIONS', `${caller} needs a pg Pool as \`pool\``);
  }
  checkPgInternals();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new FraiseError('INVALID_OPTIONS', `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
  }
  // An idle client whose backend died (a restart, pg_terminate_backend) makes the pool emit 'error';
  // with no listener Node would crash the process. The pool drops that client either way.
  if (options.pool.listenerCount('error') === 0) options.pool.on('error', () => {});
  const maxPreparedStatements = options.maxPreparedStatements ?? DEFAULT_MAX_PREPARED_STATEMENTS;
  if (!Number.isSafeInteger(maxPreparedStatements) || maxPreparedStatements < 1) {
    throw new FraiseError('INVALID_OPTIONS', `maxPreparedStatements must be a positive integer, got ${maxPreparedStatements}`);
  }
  const acquire = {
    timeoutMs: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    maxWaiting: options.maxWaiting ?? DEFAULT_MAX_WAITING,
  };
  if (!Number.isSafeInteger(acquire.timeoutMs) || acquire.timeoutMs < 0) {
    throw new FraiseError('INVALID_OPTIONS', `acquireTimeoutMs must be a whole number of milliseconds, got ${acquire.timeoutMs}`);
  }
  if (!Number.isSafeInteger(acquire.maxWaiting) || acquire.maxWaiting < 0) {
    throw new FraiseError('INVALID_OPTIONS', `maxWaiting must be a whole number (0: never wait), got ${acquire.maxWaiting}`);
  }
  const linkCheckMs = options.linkCheckMs ?? DEFAULT_LINK_CHECK_MS;
  if (!Number.isSafeInteger(linkCheckMs) || linkCheckMs < 0) {
    throw new FraiseError('INVALID_OPTIONS', `linkCheckMs must be a whole number of milliseconds (0 = off), got ${linkCheckMs}`);
  }
  checkTimeout('statementTimeout', options.statementTimeout);
  checkTimeout('lockTimeout', options.lockTimeout);
  const namedStatements = options.namedStatements ?? true;
  if (typeof namedStatements !== 'boolean') {
    throw new FraiseError('INVALID_OPTIONS', `${caller}: namedStatements must be a boolean, got ${String(namedStatements)}`);
  }
  return {
    pool: options.pool,
    readPool: readPoolSettings(options, options.pool, caller),
    namedStatements,
    batchSize,
    maxPreparedStatements,
    debug: options.debug ?? false,
    onError: options.onError,
    statementTimeout: options.statementTimeout,
    lockTimeout: options.lockTimeout,
    acquire,
    linkCheckMs,
  };
}

function checkTimeout(name: string, value: TimeoutSetting | undefined): void {
  if (value === undefined || typeof value === 'function') return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FraiseError('INVALID_OPTIONS', `${name} must be a whole number of milliseconds (0 = none), got ${value}`);
  }
}

function checkCall(op: AnyCompiledOperation): void {
  if (typeof op?.prepare !== 'function' || typeof op.shape?.kind !== 'string') {
    throw new FraiseError('INVALID_OPERATION', 'Expected a compiled operation (from the generated module)');
  }
}

/** Variables are typed per operation for callers; `prepare` checks them at run time whatever they are. */
function asVariables<TOp>(variables: Variables<TOp>): Readonly<Record<string, unknown>> | null | undefined {
  return variables as Readonly<Record<string, unknown>> | null | undefined;
}
