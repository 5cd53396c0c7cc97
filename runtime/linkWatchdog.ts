// A connection that stops answering without being closed (the network dropped it, the server's
// host vanished: a half-open TCP connection) would hold its request forever: no reset ever comes,
// and the server's statement_timeout cannot fire for a statement that never arrived. While a
// session is held for an operation with a statement timeout, the socket may stay silent at most
// that long plus LINK_GRACE_MS while we wait for PostgreSQL; then it is destroyed, the request gets
// DATABASE_UNAVAILABLE and the pool drops the connection. Silence while we wait for the HTTP
// client (a slow reader between two batches) does not count.
import type { PoolClient } from 'pg';
import { socketOf } from './pgInternals.js';

/** How long past statement_timeout PostgreSQL may stay silent (its cancel and reply travelling). */
export const LINK_GRACE_MS = 1000;

export interface LinkWatchdog {
  /** `waiting` says whether we are waiting for PostgreSQL now (default: always, while held). */
  waitingWhen(waiting: () => boolean): void;
  stop(): void;
}

const IDLE: LinkWatchdog = { waitingWhen: () => {}, stop: () => {} };

export function watchLink(client: PoolClient, statementTimeoutMs: number | undefined): LinkWatchdog {
  if (statementTimeoutMs === undefined || statementTimeoutMs === 0) return IDLE;
  const socket = socketOf(client);
  if (socket === undefined) return IDLE; // a custom stream that cannot time out
  let waiting: () => boolean = () => true;
  const onSilence = (): void => {
    if (waiting()) socket.destroy(new Error(`PostgreSQL sent nothing for ${statementTimeoutMs + LINK_GRACE_MS} ms: the connection is taken as lost`));
  };
  socket.setTimeout(statementTimeoutMs + LINK_GRACE_MS, onSilence);
  return {
    waitingWhen: (predicate) => {
      waiting = predicate;
    },
    stop: () => {
      socket.setTimeout(0);
      socket.off('timeout', onSilence);
    },
  };
}
