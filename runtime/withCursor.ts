// Runs a portal cursor on a pooled client and always gives the client back, destroyed when the
// cursor left it in an unknown state. Shared by stream and by execute with a request context.
import type { Pool } from 'pg';
import type { PortalCursor } from './portalCursor.js';

/** Runs `body` with the cursor submitted on a pooled client, and always gives the client back. */
export async function withCursor<T>(pool: Pool, cursor: PortalCursor, body: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A held client emits 'error' when its backend goes away; unlistened, that crashes the process.
  const onError = (error: Error): void => cursor.lost(error);
  client.on('error', onError);
  try {
    client.query(cursor);
    return await body();
  } finally {
    cursor.stop();
    const outcome = await cursor.outcome;
    client.off('error', onError);
    // Releasing with an error makes the pool destroy the client instead of reusing it.
    client.release(outcome.reusable ? undefined : outcome.error);
  }
}
