// A real primary and streaming replica from Debian's PostgreSQL 15 packages (initdb, pg_ctl,
// pg_basebackup: the embedded packages ship no pg_basebackup), started and stopped by the tests.
// The primary holds the blog fixture in `fraise_blog`; pg_stat_statements runs on both, so a test
// can tell on which server each statement ran. As root, everything runs as the `postgres` user.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, postgresUser } from '../../scripts/lib/embeddedPostgres.js';

export const POSTGRES_15_INSTALL = 'apt-get install -y postgresql-15';
export const FIXTURE_DATABASE = 'fraise_blog';

export interface ReplicaPair {
  readonly version: string;
  primaryUrl(database?: string): string;
  replicaUrl(database?: string): string;
  /** Runs SQL on the primary or the replica (as the superuser, in `fraise_blog`). */
  query<T extends pg.QueryResultRow>(on: 'primary' | 'replica', sql: string, values?: unknown[]): Promise<T[]>;
  /** Waits until the replica replayed everything the primary wrote so far. */
  caughtUp(): Promise<void>;
  /** WAL bytes the replica has not replayed yet (0 when caught up). */
  lagBytes(): Promise<number>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  stop(): Promise<void>;
}

export function postgres15Binaries(): string {
  const dir = process.env.FRAISE_PG15_BIN ?? '/usr/lib/postgresql/15/bin';
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres']) {
    if (!existsSync(path.join(dir, tool))) {
      throw new Error(`${path.join(dir, tool)} is missing (the read-replica tests start a real streaming replica). Install it with: ${POSTGRES_15_INSTALL} (Debian/Ubuntu; .ci/run does this), or set FRAISE_PG15_BIN`);
    }
  }
  return dir;
}

export async function startReplicaPair(fixtureFiles: readonly string[]): Promise<ReplicaPair> {
  const bin = postgres15Binaries();
  const account = await postgresUser();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-replica-'));
  if (account) await chown(dir, account.uid, account.gid);
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const run = (tool: string, args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(path.join(bin, tool), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...(account ?? {}) });
      let output = '';
      child.stdout.on('data', (c: Buffer) => void (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => void (output += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${tool} ${args.join(' ')} failed (${code}):\n${output}`))));
    });
  const serverOptions = (port: number): string =>
    [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c wal_level=replica',
      '-c max_wal_senders=5',
      '-c hot_standby=on',
      '-c shared_preload_libraries=pg_stat_statements',
      '-c pg_stat_statements.track=all',
    ].join(' ');
  const start = async (dataDir: string, port: number, name: string): Promise<void> => {
    try {
      await run('pg_ctl', ['-D', dataDir, '-l', path.join(dir, `${name}.log`), '-w', '-t', '60', '-o', serverOptions(port), 'start']);
    } catch (error) {
      const log = await readFile(path.join(dir, `${name}.log`), 'utf8').catch(() => '');
      throw new Error(`${String(error)}\n${log}`);
    }
  };
  const stopServer = (dataDir: string): Promise<string> => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  const url = (port: number, database = FIXTURE_DATABASE): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let replicaRunning = false;
  const stopAll = async (): Promise<void> => {
    if (replicaRunning) await stopServer(replicaDir).catch(() => {});
    if (existsSync(path.join(primaryDir, 'postmaster.pid'))) await stopServer(primaryDir).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  const query = async <T extends pg.QueryResultRow>(on: 'primary' | 'replica', sql: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url(on === 'primary' ? primaryPort : replicaPort) });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  try {
    const version = (await run('postgres', ['--version'])).trim();
    await run('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    await start(primaryDir, primaryPort, 'primary');
    const admin = new pg.Client({ connectionString: url(primaryPort, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${FIXTURE_DATABASE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
      await admin.query(`ALTER DATABASE ${FIXTURE_DATABASE} SET timezone TO 'UTC'`);
    } finally {
      await admin.end();
    }
    const client = new pg.Client({ connectionString: url(primaryPort) });
    await client.connect();
    try {
      await client.query('SET client_min_messages TO warning');
      await client.query('CREATE EXTENSION pg_stat_statements');
      for (const file of fixtureFiles) await client.query(await readFile(file, 'utf8'));
    } finally {
      await client.end();
    }
    await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast']);
    await start(replicaDir, replicaPort, 'replica');
    replicaRunning = true;
    const lagBytes = async (): Promise<number> => {
      const [p] = await query<{ lsn: string }>('primary', 'SELECT pg_current_wal_lsn()::text AS lsn');
      const [r] = await query<{ lag: string }>('replica', 'SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text AS lag', [p!.lsn]);
      return Math.max(0, Number(r!.lag));
    };
    return {
      version,
      primaryUrl: (database) => url(primaryPort, database),
      replicaUrl: (database) => url(replicaPort, database),
      query,
      lagBytes,
      caughtUp: async () => {
        const deadline = Date.now() + 30_000;
        while ((await lagBytes()) > 0) {
          if (Date.now() > deadline) throw new Error('The replica did not catch up within 30 s');
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      stopReplica: async () => {
        await stopServer(replicaDir);
        replicaRunning = false;
      },
      startReplica: async () => {
        await start(replicaDir, replicaPort, 'replica');
        replicaRunning = true;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
