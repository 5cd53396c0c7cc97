// The HTTP servers of `npm run bench:http`, each run alone in a child process (so that the load
// generator and the other servers do not share its event loop, and /proc gives its own CPU):
// - floor: the hand-written server (shapes.ts): parse the body, run the shape's statement as a
//   named prepared statement, one `res.end` with a Content-Length;
// - floor-views: the same server running the shape's statement over the v_* views (`viewsSql`);
// - fraise: `createHandler` over the generated operations;
// - fraise-columns: `createHandler` over the same operations compiled against the column-style
//   views (bench/columns/): one column per field, no `data`;
// - graphql-js: `execute` with ordinary batched resolvers (bench/graphqlJs.ts), JSON.stringify.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createHandler, type AnyCompiledOperation } from '@fraise/runtime';
import { buildBlogSchema, graphqlJsRunner, type GraphqlJsRunner } from '../graphqlJs.js';
import { shapes } from './shapes.js';

export const SERVER_KINDS = ['floor', 'floor-views', 'fraise', 'fraise-columns', 'graphql-js'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const POOL_SIZE = Number(process.env['BENCH_POOL'] ?? 10);

interface RequestBody {
  readonly documentId: string;
  readonly variables?: Record<string, unknown>;
}

/** Reads the whole body, then calls `onBody` with it parsed (what any JSON server does). */
function withBody(onBody: (body: RequestBody, res: http.ServerResponse) => void): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      onBody(JSON.parse(text) as RequestBody, res);
    });
  };
}

function sendJson(res: http.ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: http.ServerResponse, error: unknown): void {
  process.stderr.write(`${String(error)}\n`);
  res.writeHead(500).end();
}

function floorListener(pool: pg.Pool, operations: Readonly<Record<string, AnyCompiledOperation>>, overViews: boolean): http.RequestListener {
  const rawText = { getTypeParser: () => (value: string) => value };
  const byId = new Map(
    shapes.map((shape, index) => [operations[shape.operation]!.id, { text: overViews ? shape.viewsSql : shape.floorSql, shape, name: `floor_${index}` }] as const),
  );
  return withBody((body, res) => {
    const floor = byId.get(body.documentId);
    if (floor === undefined) return fail(res, new Error(`no floor for ${body.documentId}`));
    const variables = body.variables ?? {};
    pool
      .query<[string]>({ name: floor.name, text: floor.text, values: floor.shape.floorValues(variables), rowMode: 'array', types: rawText })
      .then((result) => sendJson(res, result.rows[0]![0]), (error: unknown) => fail(res, error));
  });
}

function graphqlJsListener(pool: pg.Pool, operations: Readonly<Record<string, AnyCompiledOperation>>): http.RequestListener {
  const schema = buildBlogSchema();
  const runners = new Map<string, GraphqlJsRunner>(
    shapes.map((shape) => {
      const op = operations[shape.operation]!;
      return [op.id, graphqlJsRunner(schema, pool, op.body)] as const;
    }),
  );
  return withBody((body, res) => {
    const run = runners.get(body.documentId);
    if (run === undefined) return fail(res, new Error(`no document ${body.documentId}`));
    run(body.variables ?? {}).then((result) => sendJson(res, JSON.stringify(result)), (error: unknown) => fail(res, error));
  });
}

/** Child process entry: serves `kind` until SIGTERM; prints `READY <url>` once listening. `generatedDir`: fraise-columns' own. */
export async function serveChild(kind: ServerKind, databaseUrl: string, generatedDir: string): Promise<void> {
  const generated = (await import(pathToFileURL(path.join(generatedDir, 'index.js')).href)) as {
    operations: Record<string, AnyCompiledOperation>;
    operationsByName: Record<string, AnyCompiledOperation>;
  };
  // No idle timeout: backends stay (and keep their prepared statements) while other servers run.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE, idleTimeoutMillis: 0, application_name: `bench-${kind}` });
  pool.on('error', () => {});
  let listener: http.RequestListener;
  if (kind === 'fraise' || kind === 'fraise-columns') {
    // Waits for a connection as long as the other servers' pg.Pool does (their pools queue without a
    // deadline): the default 1 s acquire timeout answers 503 under the 10k-row shape's load.
    const handler = createHandler({ pool, operations: generated.operations, acquireTimeoutMs: 120_000, maxWaiting: 10_000 });
    listener = (req, res) => void handler(req, res);
  } else if (kind === 'floor' || kind === 'floor-views') {
    listener = floorListener(pool, generated.operationsByName, kind === 'floor-views');
  } else {
    listener = graphqlJsListener(pool, generated.operationsByName);
  }
  const server = http.createServer(listener);
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.once('SIGTERM', () => process.exit(0)); // a normal exit, so that --cpu-prof writes its profile
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql\n`);
}
