// What non-null semantics cost when nothing is null: each fixture operation without variables is
// compiled twice, from the schema as written (the SQL marks nulls in non-null fields) and from the
// same schema with every `!` of an output field removed (no marks: the SQL before non-null
// semantics), and both statements are run alternately on the benchmark database. Reports the median
// wall time per execution (client side, rows read as text, as the runtime reads them) and the ratio.
// Run: npm run build && node dist/bench/nonNullCost.js [rounds]
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { compileProject } from '../compiler/index.js';
import { startBenchDatabase } from './database.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rounds = Number(process.argv[2] ?? 7);
const OPERATIONS = ['AllPosts', 'ListUsers', 'PostsWithAuthorAndComments', 'UserComments', 'OrderedThroughObjects'];
/** Executions per round: fewer for the big results (AllPosts is 100k rows, ListUsers 10k). */
const PER_ROUND: Record<string, number> = { AllPosts: 2, ListUsers: 5, UserComments: 5, OrderedThroughObjects: 5, PostsWithAuthorAndComments: 40 };

const db = process.env['BENCH_DATABASE_URL'] ? { url: process.env['BENCH_DATABASE_URL'], stop: async () => {} } : await startBenchDatabase(repoRoot);
try {
  const sdl = await readFile(path.join(repoRoot, 'fixtures/blog/schema.graphql'), 'utf8');
  // Output fields only: a `!` after a type at the end of a field definition line.
  const nullable = sdl.replace(/^(\s+\w+(?:\([^)]*\))?\s*:\s*[^\n@#]*?)!(\s*(?:@|#|$))/gm, '$1$2').replace(/\]!/g, ']').replace(/(\[\w+)!\]/g, '$1]');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-nonnull-'));
  await writeFile(path.join(dir, 'schema.graphql'), nullable);
  const compile = async (schema: string) => {
    const result = await compileProject({
      schema: [schema],
      operations: OPERATIONS.map((n) => path.join(repoRoot, `fixtures/blog/operations/${n}.graphql`)),
      databaseUrl: db.url,
      cwd: repoRoot,
      output: 'ts',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics.slice(0, 3)));
    return result.files;
  };
  const marked = await compile(path.join(repoRoot, 'fixtures/blog/schema.graphql'));
  const plain = await compile(path.join(dir, 'schema.graphql'));
  const statementOf = (files: ReadonlyMap<string, string>, name: string): string => {
    const text = files.get(`${name}.ts`)!;
    const match = /text: `([\s\S]*?)`,\n/.exec(text)!;
    return match[1]!.replace(/\\\\/g, '\\').replace(/\\`/g, '`');
  };
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const raw = { getTypeParser: () => (v: string) => v };
  const time = async (name: string, text: string, times: number): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < times; i++) await client.query({ name, text, rowMode: 'array', types: raw });
    return (performance.now() - started) / times;
  };
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  log(`machine shared with other work; ${rounds} rounds per statement (executions per round: ${JSON.stringify(PER_ROUND)}), alternating`);
  for (const name of OPERATIONS) {
    const withMarks = statementOf(marked, name);
    const without = statementOf(plain, name);
    const marks = (withMarks.match(/\\u0000/g) ?? []).length;
    const a: number[] = [];
    const b: number[] = [];
    const times = PER_ROUND[name] ?? 5;
    await time(`m_${name}`, withMarks, 1);
    await time(`p_${name}`, without, 1);
    for (let r = 0; r < rounds; r++) {
      b.push(await time(`p_${name}`, without, times));
      a.push(await time(`m_${name}`, withMarks, times));
    }
    log(`${name.padEnd(28)} marks ${String(marks).padStart(3)}  without ${median(b).toFixed(3)} ms  with ${median(a).toFixed(3)} ms  ratio ${(median(a) / median(b)).toFixed(3)}`);
  }
  await client.end();
} finally {
  await db.stop();
}
