// The GraphQL errors the runtime itself puts in responses (variable errors come from `prepare`).
import { isServerError } from './serverError.js';
import type { GraphQLResponseError, ResultShape } from './types.js';

/** The database could not be reached: nothing ran (the response has no `data`). */
export class ConnectionFailure extends Error {
  constructor(cause: unknown) {
    super('Could not get a database connection', { cause });
  }
}

/** SQLSTATEs that mean the server or the session went away rather than the statement failing. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** SQLSTATEs of a statement that ran out of time: statement_timeout (or a cancel) and lock_timeout. */
const TIMEOUT_STATES = new Set(['57014', '55P03']);

/**
 * The stable code of a database failure:
 * - `DATABASE_UNAVAILABLE`: no connection, or the connection or server went away (restart,
 *   terminated backend, too many connections);
 * - `DATABASE_TIMEOUT`: statement_timeout or lock_timeout;
 * - `DATABASE_ERROR`: any other error PostgreSQL reported for the statement.
 */
export type DatabaseErrorCode = 'DATABASE_UNAVAILABLE' | 'DATABASE_TIMEOUT' | 'DATABASE_ERROR';

export function databaseErrorCode(error: unknown): DatabaseErrorCode {
  if (error instanceof ConnectionFailure) return 'DATABASE_UNAVAILABLE';
  if (!isServerError(error)) return 'DATABASE_UNAVAILABLE'; // a socket error, not an ErrorResponse
  const state = error.code;
  if (UNAVAILABLE_STATES.has(state) || state.startsWith('08')) return 'DATABASE_UNAVAILABLE';
  if (TIMEOUT_STATES.has(state)) return 'DATABASE_TIMEOUT';
  return 'DATABASE_ERROR';
}

const MESSAGES: Record<DatabaseErrorCode, string> = {
  DATABASE_UNAVAILABLE: 'Database unavailable',
  DATABASE_TIMEOUT: 'Database timeout',
  DATABASE_ERROR: 'Database error',
};

/**
 * A failed database call. Only the SQLSTATE goes to the client: PostgreSQL's message and fields can
 * quote SQL text or data. With `debug` the message is added for developers.
 */
export function databaseError(error: unknown, debug: boolean): GraphQLResponseError {
  const code = databaseErrorCode(error);
  const extensions: Record<string, unknown> = { code };
  if (isServerError(error)) extensions['sqlState'] = error.code;
  if (debug && error instanceof Error) {
    const cause = error instanceof ConnectionFailure ? error.cause : error;
    extensions['debugMessage'] = cause instanceof Error ? cause.message : String(cause);
  }
  return { message: MESSAGES[code], extensions };
}

/** A database failure as a response: `executed` is false when no connection was had (no `data`). */
export function databaseFailure(error: unknown, debug: boolean): { errors: GraphQLResponseError[]; executed: boolean } {
  return { errors: [databaseError(error, debug)], executed: !(error instanceof ConnectionFailure) };
}

/** "cached plan must not change result type": the statement must be prepared again. */
export function isStalePlan(error: unknown): boolean {
  return isServerError(error) && error.code === '0A000' && /cached plan/.test(error.message);
}

/**
 * Null when `count` rows (and, when `more`, possibly others) fit the shape, else the error. The
 * count is not quoted: a stream stops reading at two rows, so it cannot say how many there were.
 * Several rows for a single object mean the view's key is not unique: a data problem worth a clear
 * error, never a silently chosen row.
 */
export function rowCountError(shape: ResultShape, count: number, more: boolean): GraphQLResponseError | null {
  const several = count > 1 || (count === 1 && more);
  switch (shape.kind) {
    case 'list':
      return null;
    case 'object':
      return several
        ? {
            message: `Expected at most one row for "${shape.key}", got several`,
            path: [shape.key],
            extensions: { code: 'UNEXPECTED_ROW_COUNT' },
          }
        : null;
    case 'data':
      return several || count === 0
        ? {
            message: `Expected exactly one row, got ${several ? 'several' : 'none'}`,
            extensions: { code: 'UNEXPECTED_ROW_COUNT' },
          }
        : null;
  }
}

/** Carries response errors out of the streaming pipeline to where the response is written. */
export class ResponseFailure extends Error {
  constructor(readonly errors: readonly GraphQLResponseError[]) {
    super(errors[0]?.message ?? 'Request failed');
  }
}
