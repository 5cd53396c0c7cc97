// Cancelling a running statement: PostgreSQL's CancelRequest, sent on a new connection with the
// backend's process id and secret key.
// A cancel is a signal with no reply: it may arrive after the statement finished, even during the
// next statement on that connection. So a connection is only reused when its statement reported
// the cancel (57014); otherwise it is destroyed, see streamOperation.
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { isServerError } from './serverError.js';

/** The parts of pg's Client and Connection that a CancelRequest needs (@types/pg omits them). */
interface CancelConnection {
  on(event: 'connect' | 'error', listener: () => void): unknown;
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: unknown): void;
}

interface ClientInternals {
  readonly host: string;
  readonly port: number;
  readonly processID: number | null;
  readonly secretKey: unknown;
  readonly connection: CancelConnection;
}

/**
 * Asks the server to cancel what `client` is running. This is pg's Client.cancel, minus its check of
 * the deprecated `activeQuery`: the caller knows its statement is running. Never throws.
 */
export function cancelRunningStatement(pool: Pool, client: PoolClient): void {
  try {
    const target = client as unknown as ClientInternals;
    if (target.processID === null) return;
    // Same host, port and TLS settings as the pool's connections.
    const canceller = new pg.Client(pool.options) as unknown as ClientInternals;
    const connection = canceller.connection;
    connection.on('error', () => {}); // the server closes it right after reading the request
    connection.on('connect', () => connection.cancel(target.processID!, target.secretKey));
    if (canceller.host.startsWith('/')) connection.connect(`${canceller.host}/.s.PGSQL.${canceller.port}`);
    else connection.connect(canceller.port, canceller.host);
  } catch {
    // Best effort: the statement then runs to its end, and the connection is released afterwards.
  }
}

/** The statement stopped because of a cancel (query_canceled). */
export function wasCancelled(error: Error | undefined): boolean {
  return isServerError(error) && error.code === '57014';
}
