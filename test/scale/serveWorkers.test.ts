// fraise-compile serve --workers 2 --unnamed-statements behind a real PgBouncer in transaction
// mode (10 server connections): 200 concurrent HTTP clients for a few seconds, every answer exactly
// the reviewed response; /healthz and /readyz; SIGTERM stops every worker. The 30-second version
// with the benchmark's operations is `npm run bench:scale` (docs/scaling.md).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type CheckedRequest } from '../../scripts/lib/httpLoad.js';
import { blogDir, compileBlogFixture, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, reviewedResponse } from '../support/fixtureCases.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startPgBouncer, type RunningPgBouncer } from '../support/pgbouncer.js';
import { request } from '../http/support.js';

const SERVER_CONNECTIONS = 10;
const cases = await readCases(blogDir);

let db: TestDatabase;
let fixture: GeneratedFixture;
let pgb: RunningPgBouncer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'scale-workers');
  pgb = await startPgBouncer({ serverUrl: db.url, mode: 'transaction', poolSize: SERVER_CONNECTIONS });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await pgb?.stop();
  await db?.drop();
});

/** Starts `fraise-compile serve` with the arguments; resolves with its URL once it says so. */
function serve(args: readonly string[], databaseUrl: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fraise-compile.js'), 'serve', '--dir', fixture.outDir, '--port', '0', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /at (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, exited });
    });
    child.on('exit', () => reject(new Error(`serve exited early: ${out}`)));
  });
}

describe('serve --workers behind PgBouncer (transaction mode)', () => {
  it(`2 workers, 200 concurrent clients over ${SERVER_CONNECTIONS} server connections: every answer exact, 0 errors`, async () => {
    // 200 clients on 2 x 10 connections: up to ~190 requests wait per worker, beyond the default
    // maxWaiting (100) and acquireTimeoutMs (1 s) on this shared 2-core machine.
    const { child, url, exited } = await serve(
      ['--workers', '2', '--unnamed-statements', '--max-waiting', '1000', '--acquire-timeout', '20000'],
      pgb.urlFor(db.name),
    );
    const base = url.replace(/\/graphql$/, '');
    expect(await request(`${base}/healthz`).then((r) => [r.status, r.json])).toEqual([200, { status: 'ok' }]);
    expect(await request(`${base}/readyz`).then((r) => [r.status, r.json])).toEqual([200, { status: 'ready' }]);
    const requests: CheckedRequest[] = await Promise.all(
      cases.map(async (c) => ({
        name: c.name,
        body: JSON.stringify({ documentId: fixture.operationsByName[c.operation]!.id, variables: c.variables }),
        expected: await reviewedResponse(c.name),
      })),
    );
    const report = await runLoad(url, requests, 200, 4);
    expect(report.samples).toEqual([]);
    expect([report.errors, report.wrong]).toEqual([0, 0]);
    expect(report.requests).toBeGreaterThan(cases.length);
    expect(await pgb.serverConnections(db.name)).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('/readyz answers 503 while no database connection can be had; /healthz still 200', async () => {
    const { child, url, exited } = await serve([], 'postgres://postgres:postgres@127.0.0.1:9/nowhere');
    const base = url.replace(/\/graphql$/, '');
    expect(await request(`${base}/healthz`).then((r) => [r.status, r.json])).toEqual([200, { status: 'ok' }]);
    expect(await request(`${base}/readyz`).then((r) => [r.status, r.json])).toEqual([503, { status: 'no database connection' }]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a --workers that is not a count', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fraise-compile.js'), 'serve', '--dir', fixture.outDir, '--workers', 'many'], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(stderr).toContain('error FRAISE_USAGE: --workers is a count from 1 or `auto`, got many');
  });
});
