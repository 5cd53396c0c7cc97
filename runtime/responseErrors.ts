// The GraphQL errors the runtime itself puts in responses (variable errors come from `prepare`).
import pg from 'pg';
import type { GraphQLResponseError, ResultShape } from './types.js';

/**
 * A failed database call. Only the SQLSTATE goes to the client: PostgreSQL's message and fields can
 * quote SQL text or data. With `debug` the message is added for developers.
 */
export function databaseError(error: unknown, debug: boolean): GraphQLResponseError {
  const extensions: Record<string, unknown> = { code: 'DATABASE_ERROR' };
  if (error instanceof pg.DatabaseError && error.code !== undefined) extensions['sqlState'] = error.code;
  if (debug && error instanceof Error) extensions['debugMessage'] = error.message;
  return { message: 'Database error', extensions };
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
