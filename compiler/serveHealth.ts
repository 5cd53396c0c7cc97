// /healthz and /readyz of fraise-compile serve, for load balancers and orchestrators:
// - /healthz: 200 while the process runs and serves HTTP (liveness; never touches PostgreSQL);
// - /readyz: 200 when a connection to the primary can be had within `timeoutMs` (it is checked out
//   and given back at once), 503 when not, and 503 once the server is shutting down, so that the
//   balancer stops sending it requests while it drains.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acquireClient } from '@fraise/runtime';
import type { Pool } from 'pg';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

export interface HealthState {
  /** Set when shutdown begins. */
  closing: boolean;
}

function reply(res: ServerResponse, status: number, body: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Answers /healthz and /readyz; false for any other path. */
export function healthRoutes(pool: Pool, state: HealthState, timeoutMs = 1000): (pathname: string, req: IncomingMessage, res: ServerResponse) => boolean {
  return (pathname, _req, res) => {
    if (pathname === HEALTH_PATH) {
      reply(res, 200, { status: 'ok' });
      return true;
    }
    if (pathname !== READY_PATH) return false;
    if (state.closing) {
      reply(res, 503, { status: 'shutting down' });
      return true;
    }
    // Through the same gate as the operations (acquire.ts): a saturated pool is not ready either.
    acquireClient(pool, { timeoutMs, maxWaiting: 100 }).then(
      (acquired) => {
        acquired.release();
        reply(res, 200, { status: 'ready' });
      },
      () => reply(res, 503, { status: 'no database connection' }),
    );
    return true;
  };
}
