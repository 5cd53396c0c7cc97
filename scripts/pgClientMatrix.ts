// npm run test:pg-client [-- 8.15.0 8.23.1 ...]: the runtime's tests against the oldest and the
// newest release of the `pg` client within the supported range (the peer range of
// runtime/package.json, PG_RANGE in runtime/pgInternals.ts), because the runtime drives internals
// of pg that a release may change. Each release is installed into a temporary folder (npm install
// --prefix; never into package.json) and vitest runs PG_CLIENT_SUITE with FRAISE_PG_CLIENT set to
// it: vitest.config.ts then resolves every `pg` import of the test process there.
// test/runtime/pgInternals.test.ts prints the version the runtime loaded and fails unless it is
// the one installed (FRAISE_PG_CLIENT_VERSION). Exits 1 if any release fails.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
// Runs compiled, from dist/scripts/.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * What runs on each release: everything that reaches pg's internals (runtime/pgInternals.ts) in
 * the test process: the runtime's own tests (execute, stream, context, wire protocol, the internals
 * one by one), statement eviction, DEALLOCATE after a view change, cancellation, the link watchdog
 * (chaos), timeouts, unnamed statements and mutations. Tests that start `fraise-compile` or `serve`
 * as a child process are left out: the child loads the repository's pg, not the one under test.
 */
export const PG_CLIENT_SUITE = [
  'test/runtime',
  'test/filters/statementCache.test.ts',
  'test/http/viewChange.test.ts',
  'test/http/cancellation.test.ts',
  'test/http/chaos.test.ts',
  'test/http/timeouts.test.ts',
  'test/scale/unnamedStatements.test.ts',
  'test/mutations',
];

async function supportedRange(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'runtime/package.json'), 'utf8')) as { peerDependencies: { pg: string } };
  return manifest.peerDependencies.pg;
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! - y![i]!;
  return 0;
}

/** The oldest and the newest published release within `range` (one npm view). */
async function oldestAndNewest(range: string): Promise<string[]> {
  const { stdout } = await execFileAsync('npm', ['view', `pg@${range}`, 'version', '--json'], { cwd: os.tmpdir() });
  const parsed = JSON.parse(stdout) as string | string[];
  const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
  if (versions.length === 0) throw new Error(`npm knows no release of pg within ${range}`);
  return [...new Set([versions[0]!, versions[versions.length - 1]!])];
}

function vitest(pgFolder: string, version: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', ...PG_CLIENT_SUITE], {
      cwd: repoRoot,
      env: { ...process.env, FRAISE_PG_CLIENT: pgFolder, FRAISE_PG_CLIENT_VERSION: version },
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const range = await supportedRange();
  const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : await oldestAndNewest(range);
  const results: { version: string; ok: boolean; seconds: number }[] = [];
  for (const version of versions) {
    const started = performance.now();
    const prefix = await mkdtemp(path.join(os.tmpdir(), `fraise-pg-${version}-`));
    let code = 1;
    try {
      process.stdout.write(`\n=== pg ${version} (supported: ${range}), installed into ${prefix}\n`);
      await execFileAsync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-package-lock', `pg@${version}`], { cwd: prefix });
      const pgFolder = path.join(prefix, 'node_modules', 'pg');
      const installed = (JSON.parse(await readFile(path.join(pgFolder, 'package.json'), 'utf8')) as { version: string }).version;
      if (installed !== version) throw new Error(`asked npm for pg ${version}, it installed ${installed}`);
      code = await vitest(pgFolder, version);
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
    results.push({ version, ok: code === 0, seconds: Math.round((performance.now() - started) / 1000) });
  }
  process.stdout.write(`\npg client matrix (supported: ${range})\n`);
  for (const r of results) process.stdout.write(`  pg ${r.version.padEnd(8)} ${r.ok ? 'pass' : 'FAIL'}  ${String(r.seconds).padStart(4)} s\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main();
