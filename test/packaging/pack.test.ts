// The two packages as npm publishes them: `npm pack` of the root (fraise: compiler, CLI, re-exports)
// and of runtime/ (@fraise/runtime: what production installs). A build project installs both and
// compiles with the packed `fraise-compile`; an empty production project installs the runtime with
// `npm install --omit=dev` and serves the compiled module against real PostgreSQL.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { post } from '../http/support.js';

const exec = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const appDir = path.join(import.meta.dirname, 'app');
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

let work: string;
let db: TestDatabase;
let runtimePack: PackResult;
let rootPack: PackResult;
let buildDir: string;
let prodDir: string;

async function npm(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed: ${e.stderr ?? e.message}`);
  }
}

async function pack(dir: string): Promise<PackResult> {
  const [result] = JSON.parse(await npm(dir, ['pack', '--json', '--pack-destination', work, ...npmFlags])) as PackResult[];
  return result!;
}

beforeAll(async () => {
  for (const built of ['runtime/dist/index.js', 'dist/compiler/index.js', 'dist/exports/runtime.js']) {
    if (!existsSync(path.join(repoRoot, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does).`);
  }
  work = await mkdtemp(path.join(os.tmpdir(), 'fraise-pack-'));
  db = await createTestDatabase();
  await db.pool.query(await readFile(path.join(appDir, 'schema.sql'), 'utf8'));
  [runtimePack, rootPack] = await Promise.all([pack(path.join(repoRoot, 'runtime')), pack(repoRoot)]);

  // The build machine: both packages, as a project's devDependency and dependency.
  buildDir = path.join(work, 'build');
  await mkdir(buildDir);
  await writeFile(path.join(buildDir, 'package.json'), JSON.stringify({ name: 'build', private: true, type: 'module' }));
  await cp(appDir, buildDir, { recursive: true });
  await npm(buildDir, ['install', ...npmFlags, path.join(work, runtimePack.filename), path.join(work, rootPack.filename)]);

  // Production: an empty project with the runtime tarball and pg, installed without dev dependencies.
  prodDir = path.join(work, 'prod');
  await mkdir(prodDir);
  await writeFile(path.join(prodDir, 'package.json'), JSON.stringify({
    name: 'prod', private: true, type: 'module',
    dependencies: { '@fraise/runtime': `file:${path.join(work, runtimePack.filename)}`, pg: '^8.11.0' },
  }));
  await npm(prodDir, ['install', '--omit=dev', ...npmFlags]);
}, 600_000);

afterAll(async () => {
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('@fraise/runtime (runtime/)', () => {
  it('declares pg as its only required peer and no dependency', async () => {
    const manifest = JSON.parse(await readFile(path.join(prodDir, 'node_modules/@fraise/runtime/package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    expect(manifest['dependencies']).toBeUndefined();
    expect(manifest['optionalDependencies']).toBeUndefined();
    const peers = Object.keys(manifest['peerDependencies'] ?? {});
    const optional = manifest['peerDependenciesMeta'] ?? {};
    expect(peers.filter((p) => (optional[p] as { optional?: boolean } | undefined)?.optional !== true)).toEqual(['pg']);
  });

  it('ships compiled JavaScript and types only', () => {
    const files = runtimePack.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.*\.(js|d\.ts))$/.test(f))).toEqual([]);
  });

  it('installs with pg alone: nothing but the runtime and pg with its own dependencies', async () => {
    const listed = (await npm(prodDir, ['ls', '--omit=dev', '--all', '--parseable'])).trim().split('\n').slice(1);
    const installed = new Set(listed.map((p) => path.relative(path.join(prodDir, 'node_modules'), p)));
    // Expected, computed from the installed manifests: pg's dependency closure plus the runtime.
    const expected = new Set(['@fraise/runtime']);
    const visit = async (name: string): Promise<void> => {
      if (expected.has(name)) return;
      expected.add(name);
      const manifest = JSON.parse(await readFile(path.join(prodDir, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const dep of Object.keys({ ...manifest['dependencies'], ...manifest['optionalDependencies'] })) {
        if (existsSync(path.join(prodDir, 'node_modules', dep))) await visit(dep);
      }
    };
    await visit('pg');
    expect([...installed].sort()).toEqual([...expected].sort());
    for (const heavy of ['graphql', 'esbuild', 'yaml', '@graphql-tools/load']) expect(installed.has(heavy)).toBe(false);
  });
});

describe('fraise (the root package)', () => {
  it('ships the CLI, the compiler and the re-exports, not the benchmark, scripts or tests', () => {
    const files = rootPack.files.map((f) => f.path);
    expect(files).toContain('bin/fraise-compile.js');
    expect(files).toContain('dist/compiler/index.js');
    expect(files).toContain('dist/exports/runtime.js');
    expect(files.filter((f) => /^(dist\/(bench|scripts|runtime|test)\/|test\/|bench\/|scripts\/)/.test(f))).toEqual([]);
  });

  it('re-exports the runtime package as fraise/runtime (the same module, not a copy)', async () => {
    const script = "const a = await import('fraise/runtime'); const b = await import('@fraise/runtime'); console.log(JSON.stringify([a.createHandler === b.createHandler, typeof a.createRuntime]));";
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { cwd: buildDir });
    expect(JSON.parse(stdout)).toEqual([true, 'function']);
  });
});

describe('a module compiled by the packed fraise-compile, served by the installed runtime', () => {
  let server: ChildProcess | undefined;
  let url: string;

  async function startServer(pgModule: string): Promise<void> {
    server = spawn(process.execPath, ['server.mjs', pgModule, db.url], { cwd: prodDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      server!.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim()));
      server!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    });
    url = `http://127.0.0.1:${port}/graphql`;
  }

  async function stopServer(): Promise<void> {
    const s = server;
    server = undefined;
    if (s && s.exitCode === null) await new Promise((resolve) => { s.once('exit', resolve); s.kill('SIGTERM'); });
  }

  beforeAll(async () => {
    const bin = path.join(buildDir, 'node_modules/.bin/fraise-compile');
    await exec(bin, ['--schema', 'schema.graphql', '--operations', 'operations/*.graphql', '--out', path.join(prodDir, 'generated'), '--database-url', db.url], { cwd: buildDir });
    await copyFile(path.join(appDir, 'server.mjs'), path.join(prodDir, 'server.mjs'));
    expect((await readdir(path.join(prodDir, 'generated'))).sort()).toContain('index.js');
  }, 120_000);

  afterAll(stopServer);

  async function ids(): Promise<Record<string, string>> {
    const manifest = JSON.parse(await readFile(path.join(prodDir, 'generated/persisted-queries.json'), 'utf8')) as { operations: { id: string; name: string }[] };
    return Object.fromEntries(manifest.operations.map((o) => [o.name, o.id]));
  }

  it('answers with the rows of PostgreSQL, and reports a PostgreSQL error by its SQLSTATE', async () => {
    await startServer('pg');
    const { Notes, Gone } = await ids();
    const ok = await post(url, { documentId: `sha256:${Notes}`, variables: { limit: 5 } });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ data: { notes: [
      { id: '00000000-0000-4000-8000-000000000001', title: 'first' },
      { id: '00000000-0000-4000-8000-000000000002', title: 'second' },
    ] } });
    await db.pool.query('DROP VIEW v_pack_gone');
    const failed = await post(url, { documentId: `sha256:${Gone}` });
    expect(failed.json).toEqual({ data: null, errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '42P01' } }] });
    await db.pool.query('CREATE VIEW v_pack_gone AS SELECT id, data FROM tb_pack_note');
    await stopServer();
  });

  it('classifies PostgreSQL errors from a pool made by another copy of pg (no instanceof)', async () => {
    // The repository's pg: a different module instance than the one installed in the project.
    await startServer(path.join(repoRoot, 'node_modules/pg/lib/index.js'));
    const { Gone } = await ids();
    await db.pool.query('DROP VIEW v_pack_gone');
    const failed = await post(url, { documentId: `sha256:${Gone}` });
    expect(failed.json).toEqual({ data: null, errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '42P01' } }] });
    await stopServer();
  });
});
