// fraise-compile serve: serves a generated folder's operations over HTTP with createHandler, on
// node:http, until SIGINT or SIGTERM. The example deployment; applications usually mount the
// handler in their own server instead (see docs/http.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createHandler, loadPersistedDocuments, type AnyCompiledOperation } from '@fraise/runtime';
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
  --unnamed-statements        send every statement unnamed, keep nothing per connection
                              (behind PgBouncer in transaction mode before 1.21; see docs/scaling.md)
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
  /** False: unnamed statements (createHandler's namedStatements). */
  readonly namedStatements?: boolean;
  readonly log?: (line: string) => void;
  /** createHandler's auth, rateLimit and csrfPrevention (the config file's "serve" section). */
  readonly handlerOptions?: ServeConfig;
}

export interface RunningServer {
  readonly url: string;
  readonly operationCount: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const index = (await import(pathToFileURL(path.resolve(options.dir, 'index.js')).href)) as {
    operations: Record<string, AnyCompiledOperation>;
  };
  const manifests = await Promise.all((options.manifests ?? []).map((file) => loadPersistedDocuments(file)));
  const pool = new pg.Pool({ connectionString: options.databaseUrl });
  const handler = createHandler({
    pool,
    operations: index.operations,
    manifests,
    safelist: options.safelist ?? false,
    ...(options.statementTimeout !== undefined ? { statementTimeout: options.statementTimeout } : {}),
    ...(options.namedStatements === false ? { namedStatements: false } : {}),
    ...options.handlerOptions,
    onError: (error, context) => log(`error ${context.operationName ?? '-'}: ${error instanceof Error ? error.message : String(error)}`),
  });
  const route = options.path ?? '/graphql';
  const server = http.createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== route) {
      const body = JSON.stringify({ errors: [{ message: `Not found: GraphQL is served at ${route}`, extensions: { code: 'NOT_FOUND' } }] });
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${route}`,
    operationCount: Object.keys(index.operations).length,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await pool.end();
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
        'unnamed-statements': { type: 'boolean' },
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
  if (!values.dir || !databaseUrl || !Number.isInteger(port) || (timeout !== undefined && !Number.isInteger(timeout))) {
    process.stderr.write(`error FRAISE_USAGE: --dir and --database-url (or DATABASE_URL) are required; --port and --statement-timeout are integers\n\n${USAGE}\n`);
    return 2;
  }
  let handlerOptions: ServeConfig;
  try {
    handlerOptions = await readServeConfig(values.config ?? 'fraise.config.json', values.config !== undefined);
  } catch (error) {
    process.stderr.write(`error FRAISE_BAD_CONFIG: ${(error as Error).message}\n`);
    return 2;
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
    ...(values['unnamed-statements'] ? { namedStatements: false } : {}),
  });
  process.stdout.write(`fraise-compile serve: ${server.operationCount} operation(s) at ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}
