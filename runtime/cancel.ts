// Cancelling a running statement: PostgreSQL's CancelRequest, sent on a new connection with the
// backend's process id and secret key.
// A cancel is a signal with no reply: it may arrive after the statement finished, even during the
// next statement on that connection. So a connection is only reused when its statement reported
// the cancel (57014); otherwise it is destroyed, see streamOperation.
import type { Pool, PoolClient } from 'pg';
import { sendCancelRequest } from './pgInternals.js';
import { isServerError } from './serverError.js';

/**
 * Asks the server to cancel what `client` is running (pgInternals.ts says why not pg's
 * Client.cancel). Never throws.
 */
export function cancelRunningStatement(pool: Pool, client: PoolClient): void {
  try {
    sendCancelRequest(pool, client);
  } catch {
    // Best effort: the statement then runs to its end, and the connection is released afterwards.
  }
}

/** The statement stopped because of a cancel (query_canceled). */
export function wasCancelled(error: Error | undefined): boolean {
  return isServerError(error) && error.code === '57014';
}
