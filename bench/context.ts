// The cost of the request context: the same compiled query with and without a context (which adds
// set_config of app.* settings in the statement's pipeline), through execute and stream, counting
// the round trips (ReadyForQuery messages) per request. Run with `npm run bench`.
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../compiler/index.js';
import { createRuntime, type CompiledOperation, type ExecuteOptions, type Runtime } from '../runtime/index.js';
import { createDatabaseFromFiles, startEmbeddedPostgres } from '../scripts/lib/embeddedPostgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REQUESTS = 3000;

class Sink extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
}

async function main(): Promise<void> {
  const server = await startEmbeddedPostgres();
  const url = await createDatabaseFromFiles(server, 'bench_context', [
    path.join(root, 'fixtures/blog/schema.sql'),
    path.join(root, 'fixtures/blog/seed-small.sql'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let readyForQuery = 0;
  pool.on('connect', (client) => {
    (client as unknown as { connection: EventEmitter }).connection.on('message', (m: { name: string }) => {
      if (m.name === 'readyForQuery') readyForQuery++;
    });
  });
  try {
    const compiled = await compileProject({ schema: ['fixtures/blog/schema.graphql'], operations: ['fixtures/blog/operations/*.graphql'], databaseUrl: url, cwd: root });
    if (!compiled.ok) throw new Error(compiled.diagnostics.map(formatDiagnostic).join('\n'));
    const ops = await loadOperations(compiled.files);
    const runtime = createRuntime({ pool });
    const context: ExecuteOptions = { context: { tenant_id: '00000000-0000-4000-8000-00000000000a', user_id: 'u-1', roles: ['reader'] } };
    const cases: [string, string, Record<string, unknown>][] = [
      ['PostWithAuthor (object)', 'PostWithAuthor', { id: '22222222-2222-4222-8222-000000000007' }],
      ['AllPosts (list of 24)', 'AllPosts', {}],
    ];
    process.stdout.write(`request context cost, ${REQUESTS} sequential requests each, one connection (pool max 1)\n\n`);
    process.stdout.write('| operation | call | context | mean ms | round trips / request |\n|---|---|---|---|---|\n');
    for (const [label, name, variables] of cases) {
      const op = ops[name]!;
      for (const call of ['execute', 'stream'] as const) {
        for (const withContext of [false, true]) {
          const run = (): Promise<unknown> => invoke(runtime, call, op, variables, withContext ? context : undefined);
          for (let i = 0; i < 200; i++) await run(); // warm up: statements parsed, plans cached
          readyForQuery = 0;
          const started = performance.now();
          for (let i = 0; i < REQUESTS; i++) await run();
          const ms = (performance.now() - started) / REQUESTS;
          process.stdout.write(`| ${label} | ${call} | ${withContext ? 'yes' : 'no'} | ${ms.toFixed(3)} | ${(readyForQuery / REQUESTS).toFixed(2)} |\n`);
        }
      }
    }
  } finally {
    await pool.end();
    await server.stop();
  }
}

function invoke(runtime: Runtime, call: 'execute' | 'stream', op: CompiledOperation, variables: Record<string, unknown>, options: ExecuteOptions | undefined): Promise<unknown> {
  return call === 'execute' ? runtime.execute(op, variables, options) : runtime.stream(op, variables, new Sink(), options);
}

async function loadOperations(files: ReadonlyMap<string, string>): Promise<Record<string, CompiledOperation>> {
  const out = path.join(root, '.fraise-bench/context');
  await writeOutputFolder(out, files);
  const index = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as { operationsByName: Record<string, CompiledOperation> };
  return index.operationsByName;
}

await main();
