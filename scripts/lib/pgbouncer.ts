// A real PgBouncer (Debian's `pgbouncer` package) in front of a PostgreSQL server, started and stopped
// by the tests like the embedded PostgreSQL. PgBouncer refuses to run as root, so as root it runs as
// the `postgres` user (embeddedPostgres.ts `postgresUser`, which creates it when missing). No binary: the start fails with the command
// that installs it; nothing is skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, postgresUser } from './embeddedPostgres.js';

export const PGBOUNCER_INSTALL = 'apt-get install -y pgbouncer';

export interface PgBouncerOptions {
  /** Any URL of the server PgBouncer connects to (its host, port, user and password are used). */
  readonly serverUrl: string;
  readonly mode: 'transaction' | 'session';
  /** Server connections per database and user (default_pool_size). */
  readonly poolSize: number;
  /** More [pgbouncer] settings (e.g. max_prepared_statements on 1.21+; 1.18 refuses unknown ones). */
  readonly extra?: Readonly<Record<string, string>>;
  /**
   * Extra database names that log in to the server as another role (e.g. one subject to row-level
   * security): alias -> the server's database, user and password.
   */
  readonly aliases?: Readonly<Record<string, { readonly dbname: string; readonly user: string; readonly password: string }>>;
}

export interface RunningPgBouncer {
  readonly version: string;
  readonly port: number;
  /** The URL of `database` through PgBouncer, as the server's user. */
  urlFor(database: string, user?: { name: string; password: string }): string;
  /** SHOW SERVERS etc. on PgBouncer's admin console. */
  admin<T extends pg.QueryResultRow>(command: string): Promise<T[]>;
  /** Server connections PgBouncer opened to `database` so far (SHOW SERVERS, the live ones). */
  serverConnections(database: string): Promise<number>;
  stop(): Promise<void>;
}

export function pgbouncerBinary(): string {
  const candidates = [process.env.FRAISE_PGBOUNCER, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim() !== '') return which.stdout.trim();
  throw new Error(`PgBouncer is not installed (needed by the scale-out tests). Install it with: ${PGBOUNCER_INSTALL} (Debian/Ubuntu; .ci/run does this), or set FRAISE_PGBOUNCER to its path`);
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = pgbouncerBinary();
  const version = /PgBouncer (\S+)/.exec(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  const server = new URL(options.serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-pgbouncer-'));
  const port = await freePort();
  const quote = (s: string): string => s.replace(/'/g, "''");
  const settings: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: path.join(dir, 'users.txt'),
    admin_users: user,
    pool_mode: options.mode,
    default_pool_size: String(options.poolSize),
    min_pool_size: '0',
    reserve_pool_size: '0',
    max_client_conn: '2000',
    // pg sends none of these by default; listed so a client that does is not refused.
    ignore_startup_parameters: 'extra_float_digits,options,statement_timeout',
    logfile: path.join(dir, 'pgbouncer.log'),
    pidfile: '',
    log_connections: '0',
    log_disconnections: '0',
    ...options.extra,
  };
  const ini = [
    '[databases]',
    ...Object.entries(options.aliases ?? {}).map(
      ([alias, a]) =>
        `${alias} = host=${server.hostname} port=${server.port || '5432'} dbname=${a.dbname} user=${a.user} password='${quote(a.password)}'`,
    ),
    // Any database name maps to the same name on the server, logged in as the server URL's user.
    `* = host=${server.hostname} port=${server.port || '5432'} user=${user} password='${quote(password)}'`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'pgbouncer.ini'), ini);
  // Clients log in with any of these names; trust means no password check by PgBouncer.
  await writeFile(path.join(dir, 'users.txt'), `"${user}" ""\n"fraise_app" ""\n`);
  const account = await postgresUser();
  if (account) {
    for (const f of ['', 'pgbouncer.ini', 'users.txt']) await chown(path.join(dir, f), account.uid, account.gid);
  }
  const child: ChildProcess = spawn(binary, [path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(account ?? {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const adminUrl = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`;
  const failure = async (why: string): Promise<Error> => {
    const log = await readFile(path.join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
    return new Error(`PgBouncer ${version} did not start (${why}):\n${stderr}\n${log}`);
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw await failure(`exit code ${child.exitCode}`);
    try {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw await failure(String(error));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const admin = async <T extends pg.QueryResultRow>(command: string): Promise<T[]> => {
    // The admin console only speaks the simple query protocol.
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query<T>(command)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    version,
    port,
    urlFor: (database, as) =>
      `postgres://${encodeURIComponent(as?.name ?? user)}:${encodeURIComponent(as?.password ?? password)}@127.0.0.1:${port}/${database}`,
    admin,
    serverConnections: async (database) => (await admin<{ database: string }>('SHOW SERVERS')).filter((s) => s.database === database).length,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM'); // immediate shutdown before 1.23 (SIGINT would wait for clients)
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
