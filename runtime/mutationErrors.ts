// Database errors of a mutation as GraphQL errors: a stable extensions.code from the SQLSTATE, the
// SQLSTATE itself and the constraint name when there is one. No SQL text, no DETAIL (it quotes
// values): the message is fixed per code, except for an exception the function raised itself with
// RAISE, whose message the application wrote for its callers.
import { databaseErrorCode } from './responseErrors.js';
import { isServerError } from './serverError.js';
import type { GraphQLResponseError } from './types.js';

/**
 * SQLSTATE (or class, two characters) -> code and message. Any other failure takes the code queries
 * use (responseErrors.ts): DATABASE_TIMEOUT (statement_timeout, lock_timeout), DATABASE_UNAVAILABLE
 * (the connection or server went away) or DATABASE_ERROR.
 */
export const MUTATION_ERROR_CODES: Readonly<Record<string, { readonly code: string; readonly message: string }>> = {
  '23505': { code: 'UNIQUE_VIOLATION', message: 'A row with the same unique value already exists.' },
  '23503': { code: 'FOREIGN_KEY_VIOLATION', message: 'A referenced row does not exist, or the row is still referenced.' },
  '23502': { code: 'NOT_NULL_VIOLATION', message: 'A required value is missing.' },
  '23514': { code: 'CHECK_VIOLATION', message: 'A value does not satisfy a check constraint.' },
  '23P01': { code: 'EXCLUSION_VIOLATION', message: 'The row conflicts with an existing row.' },
  '40001': { code: 'SERIALIZATION_FAILURE', message: 'The mutation conflicted with a concurrent one; retry it.' },
  '40P01': { code: 'DEADLOCK_DETECTED', message: 'The mutation deadlocked with a concurrent one; retry it.' },
  '42501': { code: 'FORBIDDEN', message: 'The mutation is not allowed.' },
  P0001: { code: 'RAISED_EXCEPTION', message: 'The mutation failed.' },
  P0002: { code: 'NOT_FOUND', message: 'Not found.' },
  P0003: { code: 'TOO_MANY_ROWS', message: 'More than one row matched.' },
  P0004: { code: 'ASSERTION_FAILED', message: 'An assertion failed.' },
  '22': { code: 'INVALID_VALUE', message: 'A value is not valid for the database.' },
  '23': { code: 'INTEGRITY_VIOLATION', message: 'An integrity constraint was violated.' },
};

/** Serialization failures and deadlocks: running the whole transaction again may succeed. */
export function isRetryable(error: unknown): boolean {
  return isServerError(error) && (error.code === '40001' || error.code === '40P01');
}

export function mutationError(error: unknown, path: string | undefined, debug: boolean): GraphQLResponseError {
  const database = isServerError(error) ? error : undefined;
  const state = database?.code;
  const known = state === undefined ? undefined : MUTATION_ERROR_CODES[state] ?? MUTATION_ERROR_CODES[state.slice(0, 2)];
  const fallback = databaseErrorCode(error);
  const extensions: Record<string, unknown> = { code: known?.code ?? fallback };
  if (state !== undefined) extensions['sqlState'] = state;
  if (database?.constraint) extensions['constraint'] = database.constraint;
  if (debug && error instanceof Error) extensions['debugMessage'] = error.message;
  // PL/pgSQL's context line ends in "at RAISE" for an exception the function raised itself.
  const raised = database !== undefined && /\bat RAISE$/m.test(database.where ?? '');
  const message = raised ? database.message : known?.message ?? FALLBACK_MESSAGES[fallback];
  return { message, ...(path === undefined ? {} : { path: [path] }), extensions };
}

const FALLBACK_MESSAGES: Readonly<Record<ReturnType<typeof databaseErrorCode>, string>> = {
  DATABASE_TIMEOUT: 'Database timeout',
  DATABASE_UNAVAILABLE: 'Database unavailable',
  DATABASE_ERROR: 'Database error',
};
