// Cancelling a running statement: PostgreSQL's CancelRequest, sent on a new connection with the
// backend's process id and secret key (pg's Client.cancel does exactly this for an active query).
// A cancel is a signal with no reply: it may arrive after the statement finished, even during the
// next statement on that connection. So a connection is only reused when its statement reported
// the cancel (57014); otherwise it is destroyed, see streamOperation.
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';

interface Canceller {
  readonly connection: { on(event: 'error', listener: () => void): unknown };
  cancel(client: PoolClient, query: unknown): void;
}

/** Asks the server to cancel `query`, the client's active query. Never throws. */
export function cancelActiveQuery(pool: Pool, client: PoolClient, query: unknown): void {
  try {
    // Same host, port and TLS settings as the pool's connections; @types/pg does not describe cancel.
    const canceller = new pg.Client(pool.options) as unknown as Canceller;
    canceller.connection.on('error', () => {}); // the server closes it right after reading the request
    canceller.cancel(client, query);
  } catch {
    // Best effort: the statement then runs to its end, and the connection is released afterwards.
  }
}

/** The statement stopped because of a cancel (query_canceled). */
export function wasCancelled(error: Error | undefined): boolean {
  return error instanceof pg.DatabaseError && error.code === '57014';
}
