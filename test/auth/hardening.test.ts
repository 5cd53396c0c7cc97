// Rate limits (token bucket per sub, else per client address; refused tokens count against the
// address), CSRF prevention for GET, mutations under @requiresScopes, and audit events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type AuditEvent, type CompiledOperation, type HandlerOptions } from '../../runtime/index.js';
import { listen, post, request, type Listening } from '../http/support.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { bearer, compileAuthFixture, CountingPool, SECRET, sign } from './support.js';

let db: TestDatabase;
let ops: Readonly<Record<string, CompiledOperation>>;
const servers: Listening[] = [];
const pools: CountingPool[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileAuthFixture(db.url, 'auth-hardening');
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const p of pools) await p.end();
  await db?.drop();
});

async function serve(options: Omit<HandlerOptions, 'pool' | 'operations'>): Promise<{ url: string; pool: CountingPool }> {
  const pool = new CountingPool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  pools.push(pool);
  // Without `auth`, only operations that require nothing may be served.
  const operations = options.auth === undefined ? [ops['PublicUsers']!] : Object.values(ops);
  const server = await listen(createHandler({ pool, operations, ...options }));
  servers.push(server);
  return { url: server.url, pool };
}

const users = (url: string, headers: Record<string, string> = {}) => post(url, { documentId: ops['PublicUsers']!.id }, undefined, headers);
const codeOf = (json: unknown): string | undefined => (json as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code;

describe('rate limit', () => {
  it('limit per sub: exact counts, 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
    const { url, pool } = await serve({ auth: { jwt: { secret: SECRET } }, rateLimit: { limit: 3, windowSeconds: 60 } });
    const alice = bearer(await sign({ sub: 'alice' }));
    const bob = bearer(await sign({ sub: 'bob' }));
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await users(url, alice);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-limit')).toBe('3');
      expect(reply.headers.get('ratelimit-policy')).toBe('3;w=60');
      remaining.push(reply.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const before = pool.connects;
    const limited = await users(url, alice);
    expect(limited.status).toBe(429);
    expect(codeOf(limited.json)).toBe('RATE_LIMITED');
    // One token every 20 s (3 per 60 s): the next one is 20 s away (less a few ms, rounded up).
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(pool.connects).toBe(before);
    // Another user has a bucket of their own; the same user with another token does not.
    expect((await users(url, bob)).status).toBe(200);
    expect((await users(url, bearer(await sign({ sub: 'alice', jti: 'second' })))).status).toBe(429);
  });

  it('refused tokens and anonymous callers count against the client address', async () => {
    const { url } = await serve({ auth: { jwt: { secret: SECRET }, required: false }, rateLimit: { limit: 3, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await users(url, bearer('bad.token.here'))).status);
    statuses.push((await users(url)).status); // anonymous: the address's third request
    statuses.push((await users(url, bearer('bad.token.here'))).status);
    statuses.push((await users(url)).status);
    expect(statuses).toEqual([401, 401, 200, 429, 429]);
    // A valid token has its own bucket (its sub), even from the same address.
    expect((await users(url, bearer(await sign({ sub: 'carol' })))).status).toBe(200);
  });

  it('a custom key', async () => {
    const { url } = await serve({ rateLimit: { limit: 1, windowSeconds: 1, key: (req) => String(req.headers['x-api-key']) } });
    expect((await users(url, { 'x-api-key': 'a' })).status).toBe(200);
    expect((await users(url, { 'x-api-key': 'b' })).status).toBe(200);
    const again = await users(url, { 'x-api-key': 'a' });
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await users(url, { 'x-api-key': 'a' })).status).toBe(200);
  });
});

describe('security headers and CSRF prevention', () => {
  it('nosniff always; no-store only when a token was sent', async () => {
    const { url } = await serve({});
    const plain = await users(url);
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('cache-control')).toBeNull();
    const refused = await request(url, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('csrfPrevention refuses a GET without a preflight header; POST application/json is unaffected', async () => {
    const { url, pool } = await serve({ csrfPrevention: true });
    const query = `${url}?documentId=${ops['PublicUsers']!.id}`;
    const before = pool.connects;
    const simple = await request(query, { headers: { accept: 'application/json' } });
    expect(simple.status).toBe(400);
    expect((simple.json as { errors: { message: string }[] }).errors[0]!.message).toMatch(/apollo-require-preflight/);
    expect(pool.connects).toBe(before);
    const preflighted = await request(query, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect((await users(url)).status).toBe(200);
  });
});

describe('mutations and audit events', () => {
  const events: AuditEvent[] = [];
  let url: string;
  let pool: CountingPool;
  beforeAll(async () => {
    ({ url, pool } = await serve({
      auth: { jwt: { secret: SECRET } },
      rateLimit: { limit: 5, windowSeconds: 60 },
      onAudit: (event) => {
        events.push(event);
      },
    }));
  });
  const input = (n: number) => ({
    id: `cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}`,
    postId: '22222222-2222-4222-8222-000000000001',
    authorId: '11111111-1111-4111-8111-000000000001',
    body: `secret text ${n}`,
  });
  const comments = async (id: string): Promise<number> => (await db.pool.query('SELECT 1 FROM tb_comment WHERE id = $1', [id])).rowCount ?? 0;
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('a mutation without the scopes never runs; with them it runs; each is audited without @sensitive values', async () => {
    const writer = bearer(await sign({ sub: 'writer', scope: 'comments:write comments:read' }));
    const reader = bearer(await sign({ sub: 'reader', scope: 'comments:read' }));
    const before = pool.connects;
    const refused = await post(url, { documentId: ops['AddComment']!.id, variables: { input: input(1) } }, 'application/json', reader);
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({
      data: null,
      errors: [{ message: "The caller's scopes do not allow reading this field", path: ['addComment'], extensions: { code: 'FORBIDDEN' } }],
    });
    expect(pool.connects).toBe(before);
    expect(await comments(input(1).id)).toBe(0);
    const ok = await post(url, { documentId: ops['AddComment']!.id, variables: { input: input(2) } }, 'application/json', writer);
    expect(ok.json).toEqual({ data: { addComment: { id: input(2).id, body: 'secret text 2', likes: 0 } } });
    expect(await comments(input(2).id)).toBe(1);
    await settle();
    const { body: _body, ...visible } = input(1);
    expect(events.map(({ durationMs, ...rest }) => (expect(durationMs).toBeGreaterThanOrEqual(0), rest))).toEqual([
      { kind: 'refused', operationId: ops['AddComment']!.id, operationName: 'AddComment', userId: 'reader', outcome: 'forbidden', variables: { input: visible } },
      { kind: 'mutation', operationId: ops['AddComment']!.id, operationName: 'AddComment', userId: 'writer', outcome: 'ok', variables: { input: { ...visible, id: input(2).id } } },
    ]);
  });

  it('audits failed mutations, 401s and 429s; queries that ran are not audited; a throwing onAudit changes nothing', async () => {
    events.length = 0;
    const writer = bearer(await sign({ sub: 'writer2', scope: 'comments:write comments:read' }));
    // A failing function (unknown post): outcome error.
    const failed = await post(url, { documentId: ops['AddComment']!.id, variables: { input: { ...input(3), postId: '22222222-2222-4222-8222-999999999999' } } }, 'application/json', writer);
    expect((failed.json as { data: unknown }).data).toBeNull();
    expect((await users(url, writer)).status).toBe(200);
    expect((await users(url)).status).toBe(401);
    for (let i = 0; i < 3; i++) await users(url, writer);
    expect((await users(url, writer)).status).toBe(429);
    await settle();
    expect(events.map((e) => [e.kind, e.outcome, e.userId, e.operationName])).toEqual([
      ['mutation', 'error', 'writer2', 'AddComment'],
      ['refused', 'unauthenticated', null, undefined],
      ['refused', 'rate_limited', 'writer2', undefined],
    ]);
    const throwing = await serve({ auth: { jwt: { secret: SECRET } }, onAudit: () => { throw new Error('audit sink down'); } });
    expect((await users(throwing.url)).status).toBe(401);
  });
});
