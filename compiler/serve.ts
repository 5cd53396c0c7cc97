// fraise-compile serve: serves a generated folder's operations over HTTP with createHandler, on
// node:http, until SIGINT or SIGTERM. The example deployment; applications usually mount the
// handler in their own server instead (see docs/http.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { answerServerRefusals, createHandler, loadPersistedDocuments, type AnyCompiledOperation, type CloseOptions, type CloseReport } from '@fraise/runtime';
import { healthRoutes, type HealthState } from './serveHealth.js';
import { isWorker, leaveCluster, reportListening, runPrimary, workerCount } from './serveWorkers.js';
import { readServeConfig, type ServeConfig } from './serveConfig.js';

const USAGE = `Usage: fraise-compile serve --dir <generated folder> [--database-url <url>] [options]

Serves the folder's compiled operations as persisted GraphQL operations over HTTP.

Options:
  --dir <dir>                 the folder fraise-compile wrote (its index.js)
  --database-url <url>        PostgreSQL to run them against (default: $DATABASE_URL)
  --host <host>               default 127.0.0.1
  --port <port>               default 4000 (0: any free port)
  --path <path>               default /graphql
  --manifest <file>           extra persisted-document manifest (Apollo, Relay or GraphQL Code Generator; repeatable)
  --safelist                  unknown document ids get PERSISTED_QUERY_NOT_IN_LIST
  --statement-timeout <ms>    statement_timeout for every operation
  --acquire-timeout <ms>      longest wait for a database connection before 503 (default 1000)
  --max-waiting <n>           most requests waiting for a connection before 503 (default 100)
  --shutdown-deadline <ms>    on SIGTERM/SIGINT, how long in-flight requests may finish (default 10000)
  --unnamed-statements        send every statement unnamed, keep nothing per connection
                              (behind PgBouncer in transaction mode before 1.21; see docs/scaling.md)
  --read-database-url <url>   a read replica: queries run there, mutations on --database-url
                              (a query falls back to the primary when the replica has no connection)
  --workers <n|auto>          processes sharing the port (node:cluster); auto: one per core.
                              Default: one per core when NODE_ENV=production, else 1
  GET /healthz answers 200 while the process serves; GET /readyz 200 when a database connection
  can be had (503 when not, or while shutting down). SIGTERM: graceful shutdown.
  --config <file>             fraise.config.json whose "serve" section gives auth, rateLimit
                              and csrfPrevention (default: ./fraise.config.json when present; docs/auth.md)
  -h, --help                  this text`;

export interface ServeOptions {
  readonly dir: string;
  readonly databaseUrl: string;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly manifests?: readonly string[];
  readonly safelist?: boolean;
  readonly statementTimeout?: number;
  readonly acquireTimeoutMs?: number;
  readonly maxWaiting?: number;
  /** False: unnamed statements (createHandler's namedStatements). */
  readonly namedStatements?: boolean;
  /** A read replica for queries (createHandler's readPool). */
  readonly readDatabaseUrl?: string;
  readonly log?: (line: string) => void;
  /** createHandler's auth, rateLimit and csrfPrevention (the config file's "serve" section). */
  readonly handlerOptions?: ServeConfig;
}

export interface RunningServer {
  readonly url: string;
  readonly operationCount: number;
  readonly server: http.Server;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish up to
   * `deadlineMs` (default 10000; then cancels them, see handler.close), ends the pool.
   */
  close(options?: CloseOptions): Promise<CloseReport>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const index = (await import(pathToFileURL(path.resolve(options.dir, 'index.js')).href)) as {
    operations: Record<string, AnyCompiledOperation>;
  };
  const manifests = await Promise.all((options.manifests ?? []).map((file) => loadPersistedDocuments(file)));
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    // A connect that hangs (an unreachable or black-holed server) gives up on its own, and TCP
    // keepalive notices a connection whose peer vanished (see docs/reliability.md).
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A replica that is down must not hold queries up: its connects give up after 1 s (then fallback).
  const readPool = options.readDatabaseUrl
    ? new pg.Pool({ connectionString: options.readDatabaseUrl, connectionTimeoutMillis: 1000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 })
    : undefined;
  const health: HealthState = { closing: false };
  const probes = healthRoutes(pool, health);
  const handler = createHandler({
    pool,
    ...(readPool ? { readPool } : {}),
    operations: index.operations,
    manifests,
    safelist: options.safelist ?? false,
    ...(options.statementTimeout !== undefined ? { statementTimeout: options.statementTimeout } : {}),
    ...(options.acquireTimeoutMs !== undefined ? { acquireTimeoutMs: options.acquireTimeoutMs } : {}),
    ...(options.maxWaiting !== undefined ? { maxWaiting: options.maxWaiting } : {}),
    ...(options.namedStatements === false ? { namedStatements: false } : {}),
    ...options.handlerOptions,
    onError: (error, context) => log(`error ${context.operationName ?? '-'}: ${error instanceof Error ? error.message : String(error)}`),
  });
  const route = options.path ?? '/graphql';
  // node:http's own 400 for an HTTP/1.1 request without Host has an empty body: the check is made
  // here instead, with a JSON error like every other refusal (answerServerRefusals below).
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      const body = JSON.stringify({ errors: [{ message: 'An HTTP/1.1 request must carry a Host header', extensions: { code: 'BAD_REQUEST' } }] });
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== route && probes(pathname, req, res)) return;
    if (pathname !== route) {
      const body = JSON.stringify({ errors: [{ message: `Not found: GraphQL is served at ${route}`, extensions: { code: 'NOT_FOUND' } }] });
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    void handler(req, res);
  });
  // What node:http refuses before the listener runs (headers over 16 KB, a malformed request line,
  // headers that never arrive, an unmet Expect, CONNECT) gets a JSON error, not an empty body.
  answerServerRefusals(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${route}`,
    operationCount: Object.keys(index.operations).length,
    server,
    close: async (closeOptions = {}) => {
      health.closing = true;
      // Connections the kernel completed but Node did not accept yet would be reset by closing the
      // listener: a few turns of the event loop accept them and read their requests first.
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      // No new connections; idle keep-alive ones close now, busy ones after their response
      // (the handler answers with Connection: close while closing).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const report = await handler.close(closeOptions);
      server.closeIdleConnections();
      await closed;
      await pool.end();
      await readPool?.end();
      return report;
    },
  };
}

export async function serve(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dir: { type: 'string' },
        'database-url': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        path: { type: 'string' },
        manifest: { type: 'string', multiple: true },
        safelist: { type: 'boolean' },
        'statement-timeout': { type: 'string' },
        'acquire-timeout': { type: 'string' },
        'max-waiting': { type: 'string' },
        'shutdown-deadline': { type: 'string' },
        'unnamed-statements': { type: 'boolean' },
        'read-database-url': { type: 'string' },
        workers: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`error FRAISE_USAGE: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const databaseUrl = values['database-url'] ?? process.env['DATABASE_URL'];
  const port = Number(values.port ?? '4000');
  const timeout = values['statement-timeout'] === undefined ? undefined : Number(values['statement-timeout']);
  const integers = {
    acquireTimeoutMs: values['acquire-timeout'] === undefined ? undefined : Number(values['acquire-timeout']),
    maxWaiting: values['max-waiting'] === undefined ? undefined : Number(values['max-waiting']),
    deadlineMs: values['shutdown-deadline'] === undefined ? undefined : Number(values['shutdown-deadline']),
  };
  const badInteger = Object.values(integers).some((value) => value !== undefined && !(Number.isInteger(value) && value >= 0));
  if (!values.dir || !databaseUrl || !Number.isInteger(port) || (timeout !== undefined && !Number.isInteger(timeout)) || badInteger) {
    process.stderr.write(
      `error FRAISE_USAGE: --dir and --database-url (or DATABASE_URL) are required; --port, --statement-timeout, --acquire-timeout, --max-waiting and --shutdown-deadline are whole numbers\n\n${USAGE}\n`,
    );
    return 2;
  }
  const workers = workerCount(values.workers);
  if (workers === undefined) {
    process.stderr.write(`error FRAISE_USAGE: --workers is a count from 1 or \`auto\`, got ${values.workers}\n\n${USAGE}\n`);
    return 2;
  }
  let handlerOptions: ServeConfig;
  try {
    handlerOptions = await readServeConfig(values.config ?? 'fraise.config.json', values.config !== undefined);
  } catch (error) {
    process.stderr.write(`error FRAISE_BAD_CONFIG: ${(error as Error).message}\n`);
    return 2;
  }
  if (workers > 1 && !isWorker()) {
    return runPrimary(workers, (line) => void process.stdout.write(`${line}\n`), (line) => void process.stderr.write(`${line}\n`));
  }
  const server = await startServer({
    handlerOptions,
    dir: values.dir,
    databaseUrl,
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.path ? { path: values.path } : {}),
    ...(values.manifest ? { manifests: values.manifest } : {}),
    ...(values.safelist ? { safelist: true } : {}),
    ...(timeout !== undefined ? { statementTimeout: timeout } : {}),
    ...(integers.acquireTimeoutMs !== undefined ? { acquireTimeoutMs: integers.acquireTimeoutMs } : {}),
    ...(integers.maxWaiting !== undefined ? { maxWaiting: integers.maxWaiting } : {}),
    ...(values['unnamed-statements'] ? { namedStatements: false } : {}),
    ...(values['read-database-url'] ? { readDatabaseUrl: values['read-database-url'] } : {}),
  });
  if (isWorker()) reportListening(server.url, server.operationCount);
  else process.stdout.write(`fraise-compile serve: ${server.operationCount} operation(s) at ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const report = await server.close(integers.deadlineMs !== undefined ? { deadlineMs: integers.deadlineMs } : {});
  process.stderr.write(`fraise-compile serve: stopped (${report.completed} request(s) finished during shutdown, ${report.cancelled} cancelled)\n`);
  leaveCluster();
  return 0;
}
