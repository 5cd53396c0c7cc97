// Is a silent connection still alive? Asked by the link watchdog (linkWatchdog.ts) when an operation
// without a statement timeout has waited `linkCheckMs` for PostgreSQL without a byte. TCP alone
// cannot say in bounded time: keepalive probes only an idle link (a query in flight is retransmitted
// for up to ~15 minutes with Linux's tcp_retries2 = 15), and a peer whose kernel still answers (a
// stalled proxy, pooler or server) passes every keepalive. So the runtime asks PostgreSQL itself,
// on a new connection made with the pool's settings:
// - the new connection cannot be made in time, or its query does not answer in time: the server is
//   unreachable, the silent connection is taken as lost;
// - its backend is gone from pg_stat_activity, idle (what we sent never arrived, or its answer was
//   lost), or waiting to read from us (ClientRead) or to write to us (ClientWrite) while we wait for
//   it: lost;
// - otherwise (running, waiting for a lock...) it is alive, and the watchdog asks again after
//   another silence.
// Behind a pooler (PgBouncer) process ids are not the server's (the probe connection's own id
// differs from pg_backend_pid()): then only reachability is judged. Concurrent checks of one pool
// share one probe connection; an ErrorResponse (too many connections, no permission) proves the
// server reachable and says nothing about the link: alive.
import pg from 'pg';
import type { Pool } from 'pg';
import { backendPid, socketOf } from './pgInternals.js';
import { isServerError } from './serverError.js';

export type LinkVerdict = { readonly lost: false } | { readonly lost: true; readonly reason: string };

export interface LinkProber {
  /** How long a held connection may stay silent before it is checked (linkCheckMs). */
  readonly silenceMs: number;
  /** Checks the connection to backend `pid` (undefined: unknown, judged by reachability alone). */
  check(pid: number | undefined): Promise<LinkVerdict>;
}

const ALIVE: LinkVerdict = { lost: false };

interface BackendRow {
  readonly pid: number;
  readonly state: string | null;
  readonly wait: string | null;
}

interface ProbeRow {
  readonly self: number;
  readonly backends: readonly BackendRow[] | null;
}

const PROBE_SQL =
  'SELECT pg_backend_pid() AS self, ' +
  '(SELECT json_agg(json_build_object(\'pid\', pid, \'state\', state, \'wait\', wait_event)) FROM pg_stat_activity WHERE pid = ANY($1::int[])) AS backends';

/** The backend's row says whether the link to it still works while we wait for it. */
function verdictOf(backend: BackendRow | undefined, silenceMs: number): LinkVerdict {
  const silent = `PostgreSQL sent nothing for ${silenceMs} ms`;
  if (backend === undefined) return { lost: true, reason: `${silent} and its backend no longer exists: the connection is taken as lost` };
  const { state, wait } = backend;
  if (state === null) return ALIVE; // another role's backend: nothing known
  if (state.startsWith('idle')) return { lost: true, reason: `${silent} and its backend is ${state}: what was sent or answered was lost` };
  if (state === 'active' && (wait === 'ClientRead' || wait === 'ClientWrite')) {
    return { lost: true, reason: `${silent} and its backend waits to ${wait === 'ClientRead' ? 'read from' : 'write to'} us: the connection is taken as lost` };
  }
  return ALIVE;
}

class PoolProber implements LinkProber {
  #pending = new Map<number, ((verdict: LinkVerdict) => void)[]>();
  #running = false;

  constructor(
    private readonly pool: Pool,
    readonly silenceMs: number,
  ) {}

  check(pid: number | undefined): Promise<LinkVerdict> {
    return new Promise((resolve) => {
      const key = pid ?? -1;
      const waiting = this.#pending.get(key);
      if (waiting) waiting.push(resolve);
      else this.#pending.set(key, [resolve]);
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending.size > 0) {
        const batch = this.#pending;
        this.#pending = new Map();
        const verdictFor = await this.#probe([...batch.keys()].filter((pid) => pid >= 0));
        for (const [pid, resolvers] of batch) {
          const verdict = verdictFor(pid);
          for (const resolve of resolvers) resolve(verdict);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** One probe connection for every pid checked at once. */
  async #probe(pids: readonly number[]): Promise<(pid: number) => LinkVerdict> {
    const ms = this.silenceMs;
    // The pool's own settings (host, TLS, credentials), as for a CancelRequest (cancel.ts).
    const client = new pg.Client({ ...this.pool.options, connectionTimeoutMillis: ms, query_timeout: ms, keepAlive: false });
    client.on('error', () => {});
    const unreachable = (error: unknown): ((pid: number) => LinkVerdict) => {
      if (isServerError(error)) return () => ALIVE;
      const reason = `PostgreSQL sent nothing for ${ms} ms and a new connection to it failed too (${error instanceof Error ? error.message : String(error)}): the connection is taken as lost`;
      return () => ({ lost: true, reason });
    };
    try {
      await client.connect();
    } catch (error) {
      socketOf(client)?.destroy();
      return unreachable(error);
    }
    try {
      const { rows } = await client.query<ProbeRow>({ text: PROBE_SQL, values: [pids] });
      const row = rows[0]!;
      // Behind a pooler the ids are the pooler's: only reachability is known.
      if (backendPid(client) !== row.self) return () => ALIVE;
      const byPid = new Map((row.backends ?? []).map((backend) => [backend.pid, backend]));
      return (pid) => (pid < 0 ? ALIVE : verdictOf(byPid.get(pid), ms));
    } catch (error) {
      socketOf(client)?.destroy();
      return unreachable(error);
    } finally {
      client.end().catch(() => {});
    }
  }
}

const probers = new WeakMap<Pool, Map<number, LinkProber>>();

/** The prober of `pool` for silences of `silenceMs` (one per pool and duration). */
export function linkProber(pool: Pool, silenceMs: number): LinkProber {
  let bySilence = probers.get(pool);
  if (bySilence === undefined) probers.set(pool, (bySilence = new Map()));
  let prober = bySilence.get(silenceMs);
  if (prober === undefined) bySilence.set(silenceMs, (prober = new PoolProber(pool, silenceMs)));
  return prober;
}
