// Network chaos between the handler and PostgreSQL (test/support/chaosProxy.ts): latency,
// a bandwidth limit, connections reset mid-result, a black hole. Each scenario runs steady
// traffic before, during and after the fault and checks: only well-formed answers (complete JSON
// with a spec status, or a socket cut off after the headers: never truncated JSON that looks
// complete), failures only while the fault lasts, recovery as soon as the network is back, and
// the non-failed responses' p99 within 3x (moderate) or 5x (extreme) of the p99 before the fault.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../runtime/index.js';
import { startChaosProxy, type ChaosProxy, type Faults } from '../support/chaosProxy.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { rawPost, type RawReply } from '../support/rawHttp.js';
import { until } from './load.js';
import { bigRowsOp, sleepyOp } from './operations.js';
import { listen, type Listening } from './support.js';

const ROWS = 300;
const RESPONSE_BYTES = ROWS * 730;

/**
 * What the faulty network adds to one request by itself, whatever the server does: the request
 * and the rows each cross it once (one round trip at batchSize 1000), at the worst latency, and
 * the rows at the bandwidth limit. The 3x / 5x bounds apply to the rest.
 */
function networkFloor(faults: Faults): number {
  const latency = faults.latencyMs?.[1] ?? 0;
  return 2 * latency + (faults.bytesPerSecond ? (RESPONSE_BYTES / faults.bytesPerSecond) * 1000 : 0);
}
const STATEMENT_TIMEOUT_MS = 2000;
/**
 * The "normal response time" the 3x / 5x bounds multiply: the p99 before the fault, but never less
 * than 100 ms. On a loaded 2-core CI machine (test files run side by side) a quiet p99 of 30 ms
 * is below the scheduler's own noise, and 5x of it failed a run whose server did nothing wrong
 * (304 ms against a 172 ms bound). A server that stalls for the fault still fails by seconds.
 */
const normal = (samples: readonly Sample[]): number => Math.max(100, p99(samples));
const CONCURRENCY = 4;

let db: TestDatabase;
let proxy: ChaosProxy;
let pool: pg.Pool;
let server: Listening;
/** The same handler streaming 100 rows per round trip: a reset can land after the headers. */
let streaming: Listening;
/** Streaming too, without a statement timeout: only the link check (linkCheckMs) finds a dead link. */
let unbounded: Listening;
const LINK_CHECK_MS = 1000;
let target = '';

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startChaosProxy(db.url);
  // As fraise-compile serve configures its pool: connects that hang give up, keepalive on.
  pool = new pg.Pool({ connectionString: proxy.url, max: CONCURRENCY, connectionTimeoutMillis: 2000, keepAlive: true });
  // One round trip per request for the latency scenarios.
  server = await listen(createHandler({ pool, operations: [bigRowsOp], batchSize: 1000, statementTimeout: STATEMENT_TIMEOUT_MS }));
  streaming = await listen(createHandler({ pool, operations: [bigRowsOp], batchSize: 100, statementTimeout: STATEMENT_TIMEOUT_MS }));
  unbounded = await listen(createHandler({ pool, operations: [bigRowsOp, sleepyOp], batchSize: 100, linkCheckMs: LINK_CHECK_MS }));
});
afterAll(async () => {
  await server?.close();
  await streaming?.close();
  await unbounded?.close();
  await pool?.end();
  await proxy?.close();
  await db?.drop();
});

interface Sample {
  readonly sentAt: number;
  readonly reply: RawReply;
}

/** How a reply ended: ok (all rows), a well-formed error answer, a cut-off stream, or malformed. */
function classify(reply: RawReply): 'ok' | 'error' | 'cut' | 'malformed' {
  if (reply.outcome === 'reset') {
    // Cut off after the headers: the body must not parse as a complete answer.
    return reply.status === 200 && reply.json === undefined ? 'cut' : 'malformed';
  }
  if (reply.outcome !== 'complete') return 'malformed';
  const json = reply.json as { data?: { rows?: unknown[] }; errors?: { extensions?: { code?: string } }[] } | undefined;
  if (reply.status === 200 && json?.data?.rows?.length === ROWS && json.errors === undefined) return 'ok';
  const code = json?.errors?.[0]?.extensions?.code;
  const wellFormed =
    (reply.status === 503 && code === 'DATABASE_UNAVAILABLE' && json?.data === undefined) ||
    (reply.status === 200 && (code === 'DATABASE_UNAVAILABLE' || code === 'DATABASE_TIMEOUT') && json?.data === null);
  return wellFormed ? 'error' : 'malformed';
}

/** Steady traffic until stopped. */
function traffic() {
  const samples: Sample[] = [];
  let stopped = false;
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (!stopped) {
      const sentAt = performance.now();
      samples.push({ sentAt, reply: await rawPost(target, { documentId: bigRowsOp.id, variables: { count: ROWS } }) });
    }
  });
  return {
    samples,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

function p99(samples: readonly Sample[]): number {
  const times = samples.map((s) => s.reply.ms).sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)] ?? NaN;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  readonly before: Sample[];
  readonly during: Sample[];
  readonly after: Sample[];
  /** From the network's return to the answer of the last failed request (0: none failed after it). */
  readonly recoveryMs: number;
}

/** Before (1.5 s), the fault (`during` ms, `apply` starts it), after (2 s). */
async function scenario(apply: () => Promise<void> | void, during: number, url = server.url): Promise<Run> {
  proxy.set({});
  target = url;
  const load = traffic();
  await wait(1500);
  const faultAt = performance.now();
  await apply();
  await wait(during);
  proxy.set({});
  const healedAt = performance.now();
  await wait(2000);
  await load.stop();
  const all = load.samples;
  const lastBad = all.filter((s) => classify(s.reply) !== 'ok').reduce((latest, s) => Math.max(latest, s.sentAt + s.reply.ms), -Infinity);
  return {
    before: all.filter((s) => s.sentAt + s.reply.ms < faultAt),
    // Everything that overlapped the fault (sent before it ended, answered after it began).
    during: all.filter((s) => s.sentAt + s.reply.ms >= faultAt && s.sentAt < healedAt),
    after: all.filter((s) => s.sentAt >= healedAt),
    recoveryMs: Math.max(0, lastBad - healedAt),
  };
}

function report(name: string, run: Run): void {
  const all = [...run.before, ...run.during, ...run.after];
  const failures = all.filter((s) => classify(s.reply) !== 'ok');
  const failed = failures.length;
  for (const f of failures) console.log(`chaos failure | ${name} | ${classify(f.reply)} ${f.reply.status} ${f.reply.ms.toFixed(0)} ms ${f.reply.body.slice(0, 160)}`);
  const ok = (samples: Sample[]) => samples.filter((s) => classify(s.reply) === 'ok');
  // One line per scenario, for docs/reliability.md's table.
  console.log(
    `chaos | ${name} | ${all.length} | ${failed} | ${p99(ok(run.before)).toFixed(0)} | ${p99(ok(run.during)).toFixed(0)} | ${p99(ok(run.after)).toFixed(0)} | ${run.recoveryMs.toFixed(0)}`,
  );
}

function expectWellFormed(run: Run): void {
  const all = [...run.before, ...run.during, ...run.after];
  expect(all.filter((s) => classify(s.reply) === 'malformed').map((s) => [s.reply.outcome, s.reply.status, s.reply.body.slice(0, 200)])).toEqual([]);
  expect(run.before.filter((s) => classify(s.reply) !== 'ok')).toEqual([]);
}

describe('network chaos between the handler and PostgreSQL', () => {
  it('moderate latency (10-50 ms each way): no failure, p99 within 3x', async () => {
    const faults: Faults = { latencyMs: [10, 50] };
    const run = await scenario(() => proxy.set(faults), 2500);
    report('latency 10-50 ms', run);
    expectWellFormed(run);
    expect([...run.during, ...run.after].filter((s) => classify(s.reply) !== 'ok').length).toBe(0);
    expect(p99(run.during) - networkFloor(faults)).toBeLessThanOrEqual(3 * normal(run.before));
  });

  it('extreme latency (50-200 ms) and 2 MB/s: no failure, p99 within 5x', async () => {
    const faults: Faults = { latencyMs: [50, 200], bytesPerSecond: 2_000_000 };
    const run = await scenario(() => proxy.set(faults), 3000);
    report('latency 50-200 ms + 2 MB/s', run);
    expectWellFormed(run);
    expect([...run.during, ...run.after].filter((s) => classify(s.reply) !== 'ok').length).toBe(0);
    expect(p99(run.during) - networkFloor(faults)).toBeLessThanOrEqual(5 * normal(run.before));
  });

  it('every connection reset mid-result: only the requests on them fail, well-formed, and traffic recovers at once', async () => {
    let resets = 0;
    const run = await scenario(async () => {
      resets = await proxy.resetAll(20_000);
    }, 500, streaming.url);
    report('reset mid-result', run);
    expectWellFormed(run);
    expect(resets).toBeGreaterThan(0);
    const failed = [...run.during, ...run.after].filter((s) => classify(s.reply) !== 'ok');
    // At most one request per reset connection (a query cut before its first byte is retried).
    expect(failed.length).toBeLessThanOrEqual(resets);
    expect(run.after.filter((s) => classify(s.reply) !== 'ok')).toEqual([]);
  });

  it('a black hole (half-open connections) is detected by the watchdog: well-formed answers, bounded waits, recovery', async () => {
    const run = await scenario(() => proxy.set({ blackHole: true }), 1500, streaming.url);
    report('black hole 1.5 s', run);
    expectWellFormed(run);
    // A request stuck on a black-holed connection ends once PostgreSQL stayed silent for the
    // statement timeout plus the watchdog's grace (3 s): it is then retried on a new connection
    // (nothing was written yet) or its stream is cut off. Nobody waits forever.
    const bound = STATEMENT_TIMEOUT_MS + 1000 + 2500;
    expect(run.during.filter((s) => s.reply.ms >= bound)).toEqual([]);
    expect(run.during.some((s) => s.reply.ms >= STATEMENT_TIMEOUT_MS + 1000)).toBe(true);
    expect(run.after.filter((s) => classify(s.reply) !== 'ok')).toEqual([]);
    expect(pool.totalCount).toBeLessThanOrEqual(CONCURRENCY);
  });

  // Without a statement timeout nothing bounds a query's silence but the link check: after
  // LINK_CHECK_MS of silence a new connection asks PostgreSQL about the silent one; when none can
  // be made within LINK_CHECK_MS (the black hole swallows it too) the link is taken as lost. So a
  // stuck request ends within 2 x LINK_CHECK_MS, then runs again on a new connection (nothing was
  // written yet) or has its stream cut off. Bound: that, plus the pool's 2 s connect timeout for a
  // retry still inside the black hole, plus 2.5 s for a loaded CI machine.
  const unboundedBound = 2 * LINK_CHECK_MS + 2000 + 2500;

  it('a black hole without a statement timeout: the link check ends every stuck request within 2 x linkCheckMs (+ a retry)', async () => {
    const run = await scenario(() => proxy.set({ blackHole: true }), 1500, unbounded.url);
    report('black hole 1.5 s, no statement timeout (link check 1 s)', run);
    expectWellFormed(run);
    expect(run.during.filter((s) => s.reply.ms >= unboundedBound).map((s) => s.reply.ms)).toEqual([]);
    // Some requests were caught on a black-holed connection (else this tested nothing).
    expect(run.during.some((s) => s.reply.ms >= LINK_CHECK_MS)).toBe(true);
    expect(run.after.filter((s) => classify(s.reply) !== 'ok')).toEqual([]);
    expect(pool.totalCount).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('one link lost alone (new connections work): found by its backend state (idle, or waiting to read) within 2 x linkCheckMs', async () => {
    let silenced = 0;
    const run = await scenario(() => {
      silenced = proxy.silenceOpen();
    }, 0, unbounded.url);
    report('open links silenced, no statement timeout (link check 1 s)', run);
    expectWellFormed(run);
    expect(silenced).toBeGreaterThan(0);
    // The probe connects at once here: a stuck request ends after one silence plus the probe.
    expect(run.during.filter((s) => s.reply.ms >= 2 * LINK_CHECK_MS + 2500).map((s) => s.reply.ms)).toEqual([]);
    expect(run.during.some((s) => s.reply.ms >= LINK_CHECK_MS)).toBe(true);
    expect([...run.during, ...run.after].filter((s) => classify(s.reply) === 'ok').length).toBeGreaterThan(0);
    expect(run.after.filter((s) => classify(s.reply) !== 'ok')).toEqual([]);
  });

  it('a long query without a statement timeout is checked and left running: the link check never cuts a live connection', async () => {
    proxy.set({});
    // A connection in the pool first, so that the pool needs no new one for the query below.
    expect(classify(await rawPost(unbounded.url, { documentId: bigRowsOp.id, variables: { count: ROWS } }))).toBe('ok');
    const opened = pool.totalCount;
    const acceptedBefore = proxy.accepted;
    // pg_sleep(3) before the first row: 3 s without a byte from PostgreSQL.
    const reply = await rawPost(unbounded.url, { documentId: sleepyOp.id, variables: { seconds: 3 } });
    expect(reply.outcome).toBe('complete');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ data: { rows: [{ n: 1 }, { n: 2 }, { n: 3 }] } });
    expect(reply.ms).toBeGreaterThanOrEqual(3000);
    // The silent connection was checked (each check is one new connection through the proxy; the
    // pool opened none): at least twice in 3 s of silence at LINK_CHECK_MS = 1 s.
    expect(pool.totalCount).toBe(opened);
    expect(proxy.accepted - acceptedBefore).toBeGreaterThanOrEqual(2);
  });
});
