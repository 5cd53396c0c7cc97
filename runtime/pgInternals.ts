// Every part of pg that the runtime uses beyond pg's documented API, in one place. pg does not
// promise any of it between releases, so:
// - each internal below says why Fraise needs it;
// - each has a test against a real PostgreSQL (test/runtime/pgInternals.test.ts);
// - the supported pg versions are PG_RANGE, the peer range of runtime/package.json, whose oldest and
//   newest releases `npm run test:pg-client` tests;
// - createRuntime and createHandler call checkPgInternals at startup: a pg without one of them is
//   refused there with its version and PG_RANGE, never misbehaves later. The accessors check the
//   clients the pool hands out as well (a pool may come from another copy of pg).
// The Submittable protocol (`client.query(submittable)` calling submit and handle*) is pg's
// documented extension point (pg-cursor and pg-query-stream use it); it is tested here too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { ClientBase, Connection, Pool, PoolClient } from 'pg';
import { FraiseError } from './errors.js';

/** The pg versions the runtime is tested with (runtime/package.json's peer range says the same). */
export const PG_RANGE = '>=8.15.0 <8.24.0';
const OLDEST: readonly number[] = [8, 15, 0];
const BELOW: readonly number[] = [8, 24, 0];

/** A bind value as pg's serialisation leaves it (text; a Buffer goes as it is). */
export type BindValue = string | Buffer | null | undefined;

/**
 * The messages PortalCursor writes on pg's Connection (the one its `submit` receives). pg-cursor
 * drives the same methods; @types/pg describes them with a different signature.
 */
export interface WireConnection {
  /** The socket; corked so that one exchange's messages leave in one packet. */
  readonly stream: { cork?(): void; uncork?(): void };
  parse(message: { name: string; text: string }): void;
  bind(message: { portal: string; statement: string; values: readonly BindValue[] }): void;
  execute(message: { portal: string; rows: number }): void;
  close(message: { type: 'P'; name: string }): void;
  flush(): void;
  sync(): void;
  /** After an error the Client no longer passes ReadyForQuery on; the cursor listens itself. */
  once(event: 'readyForQuery', listener: () => void): unknown;
}

/** The fields of pg's Connection that say which named statements it has prepared. */
interface StatementRecords {
  /**
   * Why: pg's Query skips the Parse of a named statement recorded here, so PostgreSQL plans it once
   * per connection; PortalCursor reads it the same way, and a statement Fraise DEALLOCATEs must be
   * removed from it, or the next use would Bind a statement that no longer exists (26000).
   * pg's Client fills it on ParseComplete from the active query's `name` and `text`.
   */
  readonly parsedStatements: Record<string, string | undefined>;
  /**
   * Why: since pg 8.23 its Query also records a Parse that is sent but not yet confirmed here (the
   * Client moves it to parsedStatements on ParseComplete, drops it on an error). PortalCursor keeps
   * it the same way so that pg's Query and the cursor never disagree. Absent before 8.23, where
   * nothing reads it.
   */
  readonly submittedNamedStatements?: Record<string, string | undefined>;
}

interface ConnectionInternals extends StatementRecords {
  /** Why: the link watchdog (linkWatchdog.ts) times out a socket that stays silent. */
  readonly stream?: unknown;
  /** Why: a CancelRequest is a new connection that sends only the backend's key. */
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: unknown): void;
  on(event: 'connect' | 'error', listener: () => void): unknown;
}

interface ClientInternals {
  /** Why: the records above and the socket live on the Client's Connection. */
  readonly connection?: ConnectionInternals;
  /**
   * Why: the backend's key, from BackendKeyData, for a CancelRequest. pg's own Client.cancel needs
   * the deprecated `activeQuery` to equal the query object, which a PortalCursor never is for it.
   */
  readonly processID?: number | null;
  readonly secretKey?: unknown;
}

const pgUtils = (pg as unknown as { utils?: { prepareValue?: (value: unknown) => BindValue } }).utils;

/**
 * pg's own parameter serialisation (Dates, arrays, Buffers, objects as JSON), the one pool.query
 * applies. Why: PortalCursor binds values itself, and execute and stream must bind identical text.
 * Exported by pg as `utils` since 8.15; @types/pg omits it. (pg's function itself, not a wrapper:
 * it runs for every bind value.)
 */
export const prepareValue: (value: unknown) => BindValue =
  typeof pgUtils?.prepareValue === 'function'
    ? pgUtils.prepareValue
    : () => {
        throw missing('pg.utils.prepareValue');
      };

/** The Connection a Submittable's `submit` receives, as PortalCursor drives it. */
export function wireOf(connection: Connection): WireConnection {
  return connection as unknown as WireConnection;
}

/**
 * The text this connection prepared (or is preparing) under `name`; undefined when it has not.
 * Read on every streamed request: two property reads, nothing allocated.
 */
export function preparedText(connection: Connection, name: string): string | undefined {
  const records = connection as unknown as StatementRecords;
  const parsed = records.parsedStatements;
  if (parsed === undefined) throw missing('Connection.parsedStatements');
  return parsed[name] ?? records.submittedNamedStatements?.[name];
}

/** Records that a Parse of `name` was sent on this connection, as pg's Query does (pg >= 8.23). */
export function noteParseSent(connection: Connection, name: string, text: string): void {
  const submitted = (connection as unknown as StatementRecords).submittedNamedStatements;
  if (submitted !== undefined) submitted[name] = text;
}

/** Whether the client's connection has prepared the statement `name` (its Parse succeeded). */
export function isPrepared(client: PoolClient, name: string): boolean {
  return recordsOf(client).parsedStatements[name] !== undefined;
}

/** Makes pg forget `name` after a DEALLOCATE, so that the next use of it Parses again. */
export function forgetPrepared(client: PoolClient, name: string): void {
  delete recordsOf(client).parsedStatements[name];
}

function recordsOf(client: PoolClient): StatementRecords {
  const connection = (client as unknown as ClientInternals).connection;
  if (connection?.parsedStatements === undefined) throw missing('Client.connection.parsedStatements');
  return connection;
}

/**
 * The client's socket (pg's Connection.stream); undefined when the pool was given a custom stream
 * that cannot time out (no setTimeout), which then goes unwatched.
 */
export function socketOf(client: ClientBase): Socket | undefined {
  const connection = (client as unknown as ClientInternals).connection;
  if (connection === undefined || !('stream' in connection)) throw missing('Client.connection.stream');
  const socket = connection.stream as Partial<Socket> | undefined;
  return typeof socket?.setTimeout === 'function' && typeof socket.destroy === 'function' ? (socket as Socket) : undefined;
}

/**
 * The backend's process id (pg's Client.processID, from BackendKeyData); undefined when the server
 * sent none (a pooler may not). Why: the link check (linkProbe.ts) looks a silent connection's
 * backend up in pg_stat_activity, and compares a probe connection's id with pg_backend_pid().
 */
export function backendPid(client: ClientBase): number | undefined {
  const id = (client as unknown as ClientInternals).processID;
  return typeof id === 'number' ? id : undefined;
}

/**
 * Sends PostgreSQL's CancelRequest for what `client` runs: a new connection to the pool's server
 * (same host, port and TLS settings) carrying the backend's process id and secret key. Returns
 * false when the backend sent no key (nothing to cancel with). May throw; the caller decides.
 */
export function sendCancelRequest(pool: Pool, client: PoolClient): boolean {
  const target = client as unknown as ClientInternals;
  if (typeof target.processID !== 'number') return false;
  const canceller = new pg.Client(pool.options);
  const connection = (canceller as unknown as ClientInternals).connection;
  if (connection === undefined) throw missing('Client.connection');
  const { processID, secretKey } = target;
  connection.on('error', () => {}); // the server closes it right after reading the request
  connection.on('connect', () => connection.cancel(processID, secretKey));
  if (canceller.host.startsWith('/')) connection.connect(`${canceller.host}/.s.PGSQL.${canceller.port}`);
  else connection.connect(canceller.port, canceller.host);
  return true;
}

// ---- the startup check ----

let checked = false;

/**
 * Throws FraiseError UNSUPPORTED_PG naming what is missing, pg's version and PG_RANGE when the pg
 * the runtime imports lacks an internal above; warns once when pg is outside PG_RANGE but has them
 * all. Runs once per process (createRuntime and createHandler call it).
 */
export function checkPgInternals(): void {
  if (checked) return;
  checkPg(pg, pgVersion());
  checked = true;
}

/** checkPgInternals for a given pg module (its default export) and version. */
export function checkPg(pgModule: unknown, version: string | undefined, warn: (message: string) => void = emitWarning): void {
  const problems = findMissingInternals(pgModule);
  if (problems.length > 0) throw unsupported(problems.join(', '), version);
  if (version !== undefined && !inRange(version)) {
    warn(`@fraise/runtime is tested with pg ${PG_RANGE}; this is pg ${version}. Every internal it needs is there, but this version is untested.`);
  }
}

function emitWarning(message: string): void {
  process.emitWarning(message, 'FraiseWarning');
}

/** What of the internals `pgModule` (pg's default export) lacks, looking at a new, unconnected Client. */
export function findMissingInternals(pgModule: unknown): string[] {
  const problems: string[] = [];
  const module = pgModule as { utils?: { prepareValue?: unknown }; Client?: new (options: unknown) => unknown };
  if (typeof module.utils?.prepareValue !== 'function') problems.push('pg.utils.prepareValue');
  if (typeof module.Client !== 'function') return [...problems, 'pg.Client'];
  const client = new module.Client({}) as ClientInternals;
  if (!('processID' in client) || !('secretKey' in client)) problems.push('Client.processID/secretKey');
  const connection = client.connection as (ConnectionInternals & Record<string, unknown>) | undefined;
  if (typeof connection !== 'object' || connection === null) return [...problems, 'Client.connection'];
  if (typeof connection.parsedStatements !== 'object' || connection.parsedStatements === null) problems.push('Connection.parsedStatements');
  const submitted = connection.submittedNamedStatements;
  if (submitted !== undefined && (typeof submitted !== 'object' || submitted === null)) problems.push('Connection.submittedNamedStatements');
  if (!('stream' in connection)) problems.push('Connection.stream');
  for (const method of ['parse', 'bind', 'execute', 'close', 'flush', 'sync', 'connect', 'cancel', 'once']) {
    if (typeof connection[method] !== 'function') problems.push(`Connection.${method}()`);
  }
  return problems;
}

function missing(what: string): FraiseError {
  return unsupported(what, pgVersion());
}

function unsupported(what: string, version: string | undefined): FraiseError {
  return new FraiseError(
    'UNSUPPORTED_PG',
    `@fraise/runtime cannot run with pg ${version ?? '(version unknown)'}: it lacks ${what}. Supported: pg ${PG_RANGE}; install one with npm install "pg@${PG_RANGE}".`,
  );
}

let version: string | null | undefined = null;

/**
 * The version of the pg the runtime imported: the package.json beside the module object it got,
 * found in Node's module cache (so it is that copy's, however `pg` was resolved).
 */
export function pgVersion(): string | undefined {
  if (version !== null) return version;
  version = undefined;
  try {
    const require = createRequire(import.meta.url);
    const loaded = Object.values(require.cache).find((entry) => entry?.exports === pg)?.filename ?? require.resolve('pg');
    for (let dir = path.dirname(loaded); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      let manifest: { name?: unknown; version?: unknown };
      try {
        manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as typeof manifest;
      } catch {
        continue;
      }
      if (manifest.name === 'pg' && typeof manifest.version === 'string') version = manifest.version;
      break;
    }
  } catch {
    // Reported as "version unknown".
  }
  return version;
}

/** Whether `v` (x.y.z) is within PG_RANGE. */
export function inRange(v: string): boolean {
  const parts = v.split(/[.-]/).slice(0, 3).map(Number);
  return compare(parts, OLDEST) >= 0 && compare(parts, BELOW) < 0;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
