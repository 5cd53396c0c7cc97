// npm run bench:fuzz (also the last step of npm run bench): 100,000 generated hostile requests
// (bench/fuzz/httpFuzz.ts) against createHandler serving the blog fixture (test seed) on an
// embedded PostgreSQL. Exits 1 on any crash, 5xx, leak, non-JSON answer or status outside the
// specification. FUZZ_CASES and FUZZ_SEED override the defaults.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { answerServerRefusals, createHandler } from '@fraise/runtime';
import { compileFixture } from './compileFixture.js';
import { startBenchDatabase } from './database.js';
import { FUZZ_SERVER_OPTIONS, operationsOf, runFuzz } from './fuzz/httpFuzz.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CASES = Number(process.env['FUZZ_CASES'] ?? 100_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_202);

const db = await startBenchDatabase(repoRoot, 'small');
const pool = new pg.Pool({ connectionString: db.url, max: 10 });
const server = http.createServer(FUZZ_SERVER_OPTIONS);
try {
  const { operations } = await compileFixture(repoRoot, db.url);
  const serverErrors: unknown[] = [];
  const handler = createHandler({ pool, operations: Object.values(operations), onError: (error) => void serverErrors.push(error) });
  server.on('request', (req, res) => void handler(req, res));
  answerServerRefusals(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  log(`fuzzing ${url} with ${CASES} cases (seed ${SEED})`);
  const result = await runFuzz(url, operationsOf(operations), CASES, SEED, 16);
  const rss = process.memoryUsage().rss;
  process.stdout.write(
    `${JSON.stringify({ cases: result.cases, failures: result.failureCount, statuses: result.statuses, onErrorCalls: serverErrors.length, seconds: Math.round(result.ms / 100) / 10, rssMB: Math.round(rss / 1048576) }, null, 2)}\n`,
  );
  for (const failure of result.failures) process.stdout.write(`${JSON.stringify(failure)}\n`);
  process.exitCode = result.failureCount === 0 && serverErrors.length === 0 ? 0 : 1;
} finally {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pool.end();
  await db.stop();
}
