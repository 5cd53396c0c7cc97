// The runtime: executes compiled operations against a pg Pool. No GraphQL parsing, validation or
// SQL generation happens here; everything was decided at build time.
import type { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { FraiseError } from './errors.js';
import { executeOperation } from './executeOperation.js';
import type { RuntimeSettings } from './settings.js';
import { streamOperation } from './streamOperation.js';
import type { AnyCompiledOperation, DataOf, ExecutionResult, VariablesOf } from './types.js';

export interface RuntimeOptions {
  readonly pool: Pool;
  /** Rows per round trip when streaming a list (default 1000). */
  readonly batchSize?: number;
  /**
   * Named prepared statements kept per connection (default 256). Whole-variable filters prepare
   * one statement per shape; beyond this many the least recently used is deallocated.
   */
  readonly maxPreparedStatements?: number;
  /** Adds PostgreSQL's error message to DATABASE_ERROR errors. Development only: it can quote data. */
  readonly debug?: boolean;
  /** Sees every database failure (responses only carry the SQLSTATE), e.g. for logging. */
  readonly onError?: (error: unknown, operation: AnyCompiledOperation) => void;
}

/** Request context (tenant, user, roles). Not supported yet: a non-empty one is refused. */
export type RequestContext = Readonly<Record<string, unknown>>;

export interface ExecuteOptions {
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
const MAX_BATCH_SIZE = 0x7fffffff; // Execute's row limit is an int32 (and 0 would mean "all")

export function createRuntime(options: RuntimeOptions): Runtime {
  const settings = settingsOf(options);
  return {
    execute: async <TOp extends AnyCompiledOperation>(op: TOp, variables?: Variables<TOp>, callOptions?: ExecuteOptions) => {
      checkCall(op, callOptions);
      const result = await executeOperation(settings, op, asVariables(variables));
      // The generated module's types describe what its SQL builds; the runtime cannot check them.
      return result as ExecutionResult<DataOf<TOp>>;
    },
    stream: async <TOp extends AnyCompiledOperation>(op: TOp, variables: Variables<TOp>, writable: Writable, callOptions?: ExecuteOptions) => {
      checkCall(op, callOptions);
      await streamOperation(settings, op, asVariables(variables), writable);
    },
  };
}

function settingsOf(options: RuntimeOptions): RuntimeSettings {
  const pool: unknown = options?.pool;
  if (typeof pool !== 'object' || pool === null || !('connect' in pool) || !('query' in pool)) {
    throw new FraiseError('INVALID_OPTIONS', 'createRuntime needs a pg Pool as `pool`');
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new FraiseError('INVALID_OPTIONS', `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
  }
  const maxPreparedStatements = options.maxPreparedStatements ?? DEFAULT_MAX_PREPARED_STATEMENTS;
  if (!Number.isSafeInteger(maxPreparedStatements) || maxPreparedStatements < 1) {
    throw new FraiseError('INVALID_OPTIONS', `maxPreparedStatements must be a positive integer, got ${maxPreparedStatements}`);
  }
  return { pool: options.pool, batchSize, maxPreparedStatements, debug: options.debug ?? false, onError: options.onError };
}

function checkCall(op: AnyCompiledOperation, options: ExecuteOptions | undefined): void {
  if (typeof op?.prepare !== 'function' || typeof op.shape?.kind !== 'string') {
    throw new FraiseError('INVALID_OPERATION', 'Expected a compiled operation (from the generated module)');
  }
  // Silently dropping a tenant or user would be a security bug, so refuse rather than ignore.
  if (options?.context !== undefined && Object.keys(options.context).length > 0) {
    throw new FraiseError('NOT_SUPPORTED', 'Request context is not supported by this runtime yet');
  }
}

/** Variables are typed per operation for callers; `prepare` checks them at run time whatever they are. */
function asVariables<TOp>(variables: Variables<TOp>): Readonly<Record<string, unknown>> | null | undefined {
  return variables as Readonly<Record<string, unknown>> | null | undefined;
}
