// npm run bench:auth (part of npm run bench): what authentication and authorization cost.
// - token verification with jose, uncached (HS256, RS256, ES256) and cached (the handler's path:
//   bearer header -> cache hit -> claims -> scopes with implies -> context);
// - the permission check of one operation (each distinct requirement against the caller's scopes);
// - the whole auth overhead per lookup request over HTTP: the same handler without auth, with auth
//   (a cached HS256 token whose `sub` becomes app.user_id), and with auth and a rate limit; req/s
//   under load and sequential latency, alternating every round (medians, ratios in the same round).
// Targets (issue 13): verification < 1 ms cached, < 10 ms uncached; permission check < 0.1 ms;
// auth overhead < 1 ms per request and < 10% of the lookup's req/s.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import pg from 'pg';
import { createHandler, type HandlerOptions, type OperationAuth } from '@fraise/runtime';
import { Authenticator } from '../runtime/http/auth/authenticate.js';
import { judge } from '../runtime/http/auth/authorize.js';
import { createTokenVerifier } from '../runtime/http/auth/jwt.js';
import type { HandlerRequest } from '../runtime/http/requestParams.js';
import { compileFixture } from './compileFixture.js';
import { startBenchDatabase } from './database.js';
import { median } from './floor/measure.js';
import { log } from './log.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const SECRET = 'bench-secret-bench-secret-bench-secret!';

/** Mean milliseconds per call over `n` calls, median of 5 runs. */
async function perCall(n: number, fn: (i: number) => unknown): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const out = fn(i);
      if (out instanceof Promise) await out;
    }
    runs.push((performance.now() - started) / n);
  }
  return median(runs);
}

async function micro(): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'user-1', tenant_id: '00000000-0000-4000-8000-00000000000a', scope: 'viewer posts:read', roles: ['editor'], exp: now + 3600 };
  const lines: string[] = [];
  const hsToken = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const rsToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
  const ec = await generateKeyPair('ES256', { extractable: true });
  const esToken = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey);
  const cases: [string, Parameters<typeof createTokenVerifier>[0], string][] = [
    ['HS256', { secret: SECRET }, hsToken],
    ['RS256 (2048-bit)', { publicKey: await exportSPKI(rsa.publicKey) }, rsToken],
    ['ES256', { publicKey: await exportSPKI(ec.publicKey) }, esToken],
  ];
  for (const [name, options, token] of cases) {
    const verify = createTokenVerifier(options);
    await verify(token);
    lines.push(`| token verification, uncached, ${name} | ${(await perCall(2000, () => verify(token))).toFixed(4)} ms | < 10 ms |`);
  }
  const authenticator = new Authenticator({ jwt: { secret: SECRET }, implies: { admin: ['editor'], editor: ['viewer', 'stats'], viewer: ['posts:read'] } }, () => {});
  const req = { headers: { authorization: `Bearer ${hsToken}` } } as unknown as HandlerRequest;
  await authenticator.authenticate(req);
  lines.push(`| token verification, cached (header -> claims, scopes with implies, context) | ${(await perCall(100_000, () => authenticator.authenticate(req))).toFixed(4)} ms | < 1 ms |`);
  const caller = await authenticator.authenticate(req);
  // An operation with 6 distinct requirements over 12 guarded fields (more than the fixtures have).
  const auth: OperationAuth = {
    requirements: [
      { authenticated: true, scopes: [] },
      { authenticated: false, scopes: [[['users:email'], ['admin']]] },
      { authenticated: false, scopes: [[['stats', 'posts:read'], ['admin']]] },
      { authenticated: true, scopes: [[['ratings']]] },
      { authenticated: false, scopes: [[['comments:read']], [['viewer']]] },
      { authenticated: false, scopes: [[['a', 'b', 'c'], ['d', 'e'], ['editor']]] },
    ],
    fields: Array.from({ length: 12 }, (_, i) => ({ key: `f${i}`, requirement: i % 6, nonNull: false })),
  };
  lines.push(`| permission check of one operation (6 requirements) | ${(await perCall(200_000, () => judge(auth, caller))).toFixed(5)} ms | < 0.1 ms |`);
  return lines;
}

interface Slice {
  readonly reqPerSec: number;
  readonly sequentialMs: number;
}

async function measure(url: string, body: string, headers: Record<string, string>): Promise<Slice> {
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, headers: { 'content-type': 'application/json', ...headers }, body });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    times.push(performance.now() - started);
  }
  agent.destroy();
  return { reqPerSec: result.requests.average, sequentialMs: median(times) };
}

async function main(): Promise<void> {
  const lines = ['| measure | result | target |', '|---|---:|---:|', ...(await micro())];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  const existing = process.env['BENCH_DATABASE_URL'];
  const database = existing ? { url: existing, stop: async () => {} } : await startBenchDatabase(repoRoot, 'small');
  const servers: http.Server[] = [];
  const pools: pg.Pool[] = [];
  try {
    const { operations } = await compileFixture(repoRoot, database.url);
    const op = operations['FloorLookup']!;
    const body = JSON.stringify({ documentId: op.id, variables: { id: '11111111-1111-4111-8111-000000000007' } });
    const token = await new SignJWT({ sub: 'user-1', scope: 'viewer', exp: Math.floor(Date.now() / 1000) + 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    const variants: [string, Partial<HandlerOptions>, Record<string, string>][] = [
      ['no auth', {}, {}],
      ['auth (cached HS256, sub -> app.user_id)', { auth: { jwt: { secret: SECRET } } }, { authorization: `Bearer ${token}` }],
      ['auth + rate limit', { auth: { jwt: { secret: SECRET } }, rateLimit: { limit: 1e9, windowSeconds: 1 } }, { authorization: `Bearer ${token}` }],
    ];
    const urls: string[] = [];
    for (const [, options] of variants) {
      const pool = new pg.Pool({ connectionString: database.url, max: 8 });
      pools.push(pool);
      const handler = createHandler({ pool, operations: [op], ...options });
      const server = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
    }
    log(`lookup over HTTP: warming up, then ${ROUNDS} rounds of ${SECONDS} s per variant (servers and load generator share this process)`);
    for (let v = 0; v < variants.length; v++) await autocannon({ url: urls[v]!, method: 'POST', connections: CONNECTIONS, duration: 2, headers: { 'content-type': 'application/json', ...variants[v]![2] }, body });
    const rounds: Slice[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const slices: Slice[] = [];
      for (let k = 0; k < variants.length; k++) {
        const v = (k + round) % variants.length;
        slices[v] = await measure(urls[v]!, body, variants[v]![2]);
      }
      rounds.push(slices);
    }
    const http_ = ['| lookup over HTTP | req/s | vs no auth | sequential p50 ms | overhead ms vs no auth |', '|---|---:|---:|---:|---:|'];
    variants.forEach(([name], v) => {
      http_.push(
        `| ${name} | ${median(rounds.map((r) => r[v]!.reqPerSec)).toFixed(0)} | ${median(rounds.map((r) => r[v]!.reqPerSec / r[0]!.reqPerSec)).toFixed(3)}x | ` +
          `${median(rounds.map((r) => r[v]!.sequentialMs)).toFixed(3)} | ${median(rounds.map((r) => r[v]!.sequentialMs - r[0]!.sequentialMs)).toFixed(3)} |`,
      );
    });
    process.stdout.write(`\nFraise bench:auth, Node ${process.version}, autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s (medians)\n\n${http_.join('\n')}\n`);
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    for (const pool of pools) await pool.end();
    await database.stop();
  }
}

await main();
