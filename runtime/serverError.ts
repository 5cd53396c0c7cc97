// Is this an ErrorResponse from PostgreSQL? Checked by its fields, not `instanceof pg.DatabaseError`:
// the pool is the application's, and its `pg` may be another copy than the one this package sees
// (pg is a peer dependency; a second copy would otherwise turn every SQL error into
// DATABASE_UNAVAILABLE).
import type { DatabaseError } from 'pg';

/** The fields of pg's DatabaseError the runtime reads. */
export type ServerError = Error & Pick<DatabaseError, 'severity' | 'code' | 'constraint' | 'where'>;

/** A five-character SQLSTATE plus a severity: socket errors (`ECONNRESET`, `EPIPE`) carry neither. */
export function isServerError(error: unknown): error is ServerError & { readonly code: string } {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Partial<ServerError>;
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
