// The cost of the request context: the same compiled query with and without a context (which adds
// set_config of app.* settings in the statement's pipeline), through execute and stream, counting
// the round trips (ReadyForQuery messages) per request.
//
// Standalone: `npm run build && node dist/bench/context.js` (its own embedded PostgreSQL, the small
// seed). From another benchmark: `contextCostTable(databaseUrl, operations, cases)` returns the
// table as markdown, measured on a pool of its own with one connection.
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import { createRuntime, type AnyCompiledOperation, type ExecuteOptions, type Runtime } from '@fraise/runtime';
import { createDatabaseFromFiles, startEmbeddedPostgres } from '../scripts/lib/embeddedPostgres.js';

// dist/bench/context.js -> the repository root
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One measured operation: a label for the table, the operation's name and its variables. */
export type ContextCase = readonly [label: string, operation: string, variables: Readonly<Record<string, unknown>>];

/** Cases for the small seed (fixtures/blog/seed-small.sql). */
export const SMALL_SEED_CASES: readonly ContextCase[] = [
  ['PostWithAuthor (object)', 'PostWithAuthor', { id: '22222222-2222-4222-8222-000000000007' }],
  ['AllPosts (list of 24)', 'AllPosts', {}],
];

export const BENCH_CONTEXT: ExecuteOptions = {
  context: { tenant_id: '00000000-0000-4000-8000-00000000000a', user_id: 'u-1', roles: ['reader'] },
};

class Sink extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
}

/**
 * Runs each case `requests` times sequentially through execute and stream, with and without a
 * context, on one connection of a pool of its own; returns a markdown table.
 */
export async function contextCostTable(
  databaseUrl: string,
  operations: Readonly<Record<string, AnyCompiledOperation>>,
  cases: readonly ContextCase[],
  requests = 3000,
): Promise<string> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  let readyForQuery = 0;
  pool.on('connect', (client) => {
    (client as unknown as { connection: EventEmitter }).connection.on('message', (m: { name: string }) => {
      if (m.name === 'readyForQuery') readyForQuery++;
    });
  });
  try {
    const runtime = createRuntime({ pool });
    const lines = [
      `request context cost, ${requests} sequential requests each, one connection (pool max 1)`,
      '',
      '| operation | call | context | mean ms | round trips / request |',
      '|---|---|---|---|---|',
    ];
    for (const [label, name, variables] of cases) {
      const op = operations[name];
      if (!op) throw new Error(`no compiled operation ${name}`);
      for (const call of ['execute', 'stream'] as const) {
        for (const withContext of [false, true]) {
          const run = (): Promise<unknown> => invoke(runtime, call, op, variables, withContext ? BENCH_CONTEXT : undefined);
          for (let i = 0; i < 200; i++) await run(); // warm up: statements parsed, plans cached
          readyForQuery = 0;
          const started = performance.now();
          for (let i = 0; i < requests; i++) await run();
          const ms = (performance.now() - started) / requests;
          lines.push(`| ${label} | ${call} | ${withContext ? 'yes' : 'no'} | ${ms.toFixed(3)} | ${(readyForQuery / requests).toFixed(2)} |`);
        }
      }
    }
    return lines.join('\n');
  } finally {
    await pool.end();
  }
}

function invoke(
  runtime: Runtime,
  call: 'execute' | 'stream',
  op: AnyCompiledOperation,
  variables: Readonly<Record<string, unknown>>,
  options: ExecuteOptions | undefined,
): Promise<unknown> {
  return call === 'execute' ? runtime.execute(op, variables, options) : runtime.stream(op, variables, new Sink(), options);
}

async function main(): Promise<void> {
  const server = await startEmbeddedPostgres();
  try {
    const url = await createDatabaseFromFiles(server, 'bench_context', [
      path.join(root, 'fixtures/blog/schema.sql'),
      path.join(root, 'fixtures/blog/seed-small.sql'),
    ]);
    const compiled = await compileProject({ schema: ['fixtures/blog/schema.graphql'], operations: ['fixtures/blog/operations/*.graphql'], databaseUrl: url, cwd: root });
    if (!compiled.ok) throw new Error(compiled.diagnostics.map(formatDiagnostic).join('\n'));
    const out = path.join(root, 'bench/.out/context');
    await writeOutputFolder(out, compiled.files);
    const index = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as {
      operationsByName: Record<string, AnyCompiledOperation>;
    };
    process.stdout.write(`${await contextCostTable(url, index.operationsByName, SMALL_SEED_CASES)}\n`);
  } finally {
    await server.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
