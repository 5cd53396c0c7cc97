// Bearer tokens through createHandler over real HTTP: every case of docs/auth.md's token checks,
// with shared secrets, PEM and JWK public keys, and a JWKS server on loopback (rotation, cooldown,
// several keys without kid). A refused token is a 401 before any connection is taken.
import { generateKeyPair, exportPKCS8, exportSPKI, importPKCS8, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler, FraiseError, type CompiledOperation, type HandlerOptions } from '../../runtime/index.js';
import { listen, post, type Listening } from '../http/support.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TENANT_A, TENANT_B, bUser, createAppRole, insertTenantB, type AppRole } from '../support/tenancy.js';
import { TokenCache } from '../../runtime/http/auth/tokenCache.js';
import { bearer, compileAuthFixture, CountingPool, jwksServer, publicJwk, SECRET, sign, type JwksServer } from './support.js';

let db: TestDatabase;
let app: AppRole;
let ops: Readonly<Record<string, CompiledOperation>>;
let tenantAUsers: Set<string>;
const servers: Listening[] = [];
const pools: CountingPool[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileAuthFixture(db.url, 'auth-tokens');
  await insertTenantB(db.pool);
  app = await createAppRole(db, 2);
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM tb_user WHERE tenant_id = $1', [TENANT_A]);
  tenantAUsers = new Set(rows.map((r) => r.id));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const p of pools) await p.end();
  await db?.drop();
  await app?.drop();
});

/** A handler as the application role (RLS applies) on a pool that counts connections. */
async function serve(options: Omit<HandlerOptions, 'pool' | 'operations'>): Promise<{ url: string; pool: CountingPool }> {
  const pool = new CountingPool({ connectionString: (app.pool as unknown as { options: { connectionString: string } }).options.connectionString, max: 2 });
  pool.on('error', () => {});
  pools.push(pool);
  const server = await listen(createHandler({ pool, operations: Object.values(ops), ...options }));
  servers.push(server);
  return { url: server.url, pool };
}

const users = (url: string, headers: Record<string, string> = {}) => post(url, { documentId: ops['PublicUsers']!.id }, undefined, headers);
const ids = (json: unknown): string[] => (json as { data: { users: { id: string }[] } }).data.users.map((u) => u.id);

function expect401(reply: Awaited<ReturnType<typeof post>>, challenge: RegExp): void {
  expect(reply.status).toBe(401);
  expect(reply.headers.get('www-authenticate')).toMatch(challenge);
  const body = reply.json as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  expect(body).not.toHaveProperty('data');
}
const INVALID = /^Bearer error="invalid_token", error_description="/;

describe('shared secret (HS256/384/512)', () => {
  let url: string;
  let pool: CountingPool;
  beforeAll(async () => {
    ({ url, pool } = await serve({ auth: { jwt: { secret: SECRET, issuer: 'https://issuer.test/', audience: 'fraise-api', clockToleranceSeconds: 30 } } }));
  });
  const claims = { sub: 'user-b1', tenant_id: TENANT_B, iss: 'https://issuer.test/', aud: 'fraise-api' };

  it('a valid token: its claims are the request context, so RLS shows its tenant only', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const reply = await users(url, bearer(await sign(claims, undefined, { alg })));
      expect(reply.status).toBe(200);
      expect(new Set(ids(reply.json))).toEqual(new Set([bUser(1), bUser(2)]));
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const a = await users(url, bearer(await sign({ ...claims, sub: 'user-a', tenant_id: TENANT_A })));
    expect(ids(a.json)).toHaveLength(3);
    expect(ids(a.json).every((id) => tenantAUsers.has(id))).toBe(true);
  });

  it('no token, another scheme or an empty bearer: 401, no SQL', async () => {
    const before = pool.connects;
    expect401(await users(url), /^Bearer$/);
    expect401(await users(url, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), /^Bearer$/);
    expect401(await users(url, { authorization: 'Bearer ' }), INVALID);
    expect(pool.connects).toBe(before);
  });

  it('refuses bad signatures, expiry, nbf, iss and aud; tolerates the configured clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const before = pool.connects;
    const refused = [
      await sign(claims, new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')),
      await sign({ ...claims, exp: now - 31 }),
      await sign({ ...claims, nbf: now + 60 }),
      await sign({ ...claims, iss: 'https://evil.test/' }),
      await sign({ ...claims, iss: undefined }),
      await sign({ ...claims, aud: 'other-api' }),
      await sign({ ...claims, aud: ['other-api', 'more'] }),
      await sign({ ...claims, aud: undefined }),
      'not.a.jwt',
      new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('1h').encode(),
    ];
    for (const token of refused) expect401(await users(url, bearer(token)), INVALID);
    expect(pool.connects).toBe(before);
    // Within the 30 s tolerance, and an aud array that contains ours.
    for (const token of [await sign({ ...claims, exp: now - 20 }), await sign({ ...claims, nbf: now + 20 }), await sign({ ...claims, aud: ['x', 'fraise-api'] })]) {
      expect((await users(url, bearer(token))).status).toBe(200);
    }
  });

  it('the token cache: kept until exp plus tolerance, least recently used evicted first', () => {
    let now = 1_000_000_000_000;
    const cache = new TokenCache(2, 30_000, () => now);
    const exp = now / 1000 + 10;
    cache.set('a', { claims: { sub: 'a' }, exp });
    cache.set('b', { claims: { sub: 'b' }, exp });
    expect(cache.get('a')?.claims).toEqual({ sub: 'a' });
    cache.set('c', { claims: { sub: 'c' }, exp }); // evicts b, the least recently used
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    now += 39_999;
    expect(cache.get('a')?.claims).toEqual({ sub: 'a' });
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1); // an expired entry is dropped when met; c is not met yet
    cache.set('old', { claims: {}, exp: now / 1000 - 31 });
    expect(cache.get('old')).toBeUndefined();
    const none = new TokenCache(0, 0, () => now);
    none.set('a', { claims: {}, exp: now / 1000 + 10 });
    expect([none.get('a'), none.size]).toEqual([undefined, 0]);
  });
});

describe('public keys', () => {
  it('RS256 with a PEM key; an HS256 token signed with the PEM bytes (algorithm confusion) is refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const { url, pool } = await serve({ auth: { jwt: { publicKey: pem } } });
    const ok = await users(url, bearer(await sign({ sub: 'u', tenant_id: TENANT_B }, privateKey, { alg: 'RS256' })));
    expect(ok.status).toBe(200);
    expect(ids(ok.json)).toHaveLength(2);
    // The same RSA key signing with PS384 (the defaults for an RSA key are RS* and PS*).
    const psKey = await importPKCS8(await exportPKCS8(privateKey), 'PS384');
    const ps = await users(url, bearer(await sign({ sub: 'u', tenant_id: TENANT_B }, psKey, { alg: 'PS384' })));
    expect(ps.status).toBe(200);
    const before = pool.connects;
    const confused = await sign({ sub: 'u', tenant_id: TENANT_B }, new TextEncoder().encode(pem), { alg: 'HS256' });
    expect401(await users(url, bearer(confused)), INVALID);
    expect(pool.connects).toBe(before);
  });

  it('ES256 and EdDSA keys as JWK objects and PEM', async () => {
    const es = await generateKeyPair('ES256', { extractable: true });
    const { url } = await serve({ auth: { jwt: { publicKey: await publicJwk(es.publicKey, 'es', 'ES256') } } });
    expect((await users(url, bearer(await sign({ sub: 'u', tenant_id: TENANT_B }, es.privateKey, { alg: 'ES256' })))).status).toBe(200);
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const edUrl = (await serve({ auth: { jwt: { publicKey: await exportSPKI(ed.publicKey) } } })).url;
    expect((await users(edUrl, bearer(await sign({ sub: 'u', tenant_id: TENANT_B }, ed.privateKey, { alg: 'EdDSA' })))).status).toBe(200);
    // An ES256 token against the EdDSA key: not its algorithm.
    expect401(await users(edUrl, bearer(await sign({ sub: 'u' }, es.privateKey, { alg: 'ES256' }))), INVALID);
  });

  it('refuses impossible options at start-up', () => {
    const make = (jwt: object) => () => createHandler({ pool: app.pool, operations: Object.values(ops), auth: { jwt } });
    expect(make({ secret: SECRET, algorithms: ['RS256'] })).toThrow(/RS256 cannot be used with a shared secret/);
    expect(make({ publicKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' })).toThrow(/not a PEM \(SPKI\) public key/);
    expect(make({ jwksUri: 'https://x.test/jwks', algorithms: ['HS256'] })).toThrow(/HS256 cannot be used with a public key or JWKS/);
    expect(make({ secret: SECRET, algorithms: ['none'] })).toThrow(/`none` is never accepted/);
    expect(make({ secret: SECRET, jwksUri: 'https://x.test/jwks' })).toThrow(/exactly one of/);
    expect(() => createHandler({ pool: app.pool, operations: Object.values(ops) })).toThrow(FraiseError);
    expect(() => createHandler({ pool: app.pool, operations: Object.values(ops) })).toThrow(
      /operations .*AdminPosts.* read fields marked @authenticated or @requiresScopes, but no `auth` option is given/,
    );
    expect(() => createHandler({ pool: app.pool, operations: [ops['PublicUsers']!] })).not.toThrow();
  });
});

describe('JWKS on loopback', () => {
  let jwks: JwksServer;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>[];
  beforeAll(async () => {
    keys = await Promise.all([generateKeyPair('RS256', { extractable: true }), generateKeyPair('RS256', { extractable: true }), generateKeyPair('ES256', { extractable: true })]);
    jwks = await jwksServer([await publicJwk(keys[0]!.publicKey, 'k1', 'RS256')]);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await jwks?.close();
  });

  it('verifies by kid, refetches on an unknown kid at most once per 30 s (key rotation), caches an hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const { url, pool } = await serve({ auth: { jwt: { jwksUri: jwks.url, audience: 'fraise-api' } } });
    const token = (i: number, kid: string) => sign({ sub: 'u', tenant_id: TENANT_B, aud: 'fraise-api' }, keys[i]!.privateKey, { alg: i === 2 ? 'ES256' : 'RS256', kid });
    const first = await token(0, 'k1');
    expect((await users(url, bearer(first))).status).toBe(200);
    expect(jwks.fetches).toBe(1);
    // Rotation: the server now publishes k2 only. A k2 token within the cooldown: no refetch, 401.
    jwks.keys = [await publicJwk(keys[1]!.publicKey, 'k2', 'RS256')];
    const before = pool.connects;
    expect401(await users(url, bearer(await token(1, 'k2'))), INVALID);
    expect(jwks.fetches).toBe(1);
    expect(pool.connects).toBe(before);
    // After 30 s, the unknown kid refetches the set once.
    vi.setSystemTime(Date.now() + 31_000);
    expect((await users(url, bearer(await token(1, 'k2')))).status).toBe(200);
    expect(jwks.fetches).toBe(2);
    // The k1 token verified before is cached until its exp: still accepted, without a fetch. A fresh
    // k1 token (k1 no longer published) is refused; the set is not fetched again in the cooldown.
    expect((await users(url, bearer(first))).status).toBe(200);
    expect401(await users(url, bearer(await token(0, 'k1'))), INVALID);
    expect(jwks.fetches).toBe(2);
    // Within the hour known kids need no fetch; after it the set is fetched again.
    vi.setSystemTime(Date.now() + 20 * 60_000);
    expect((await users(url, bearer(await token(1, 'k2')))).status).toBe(200);
    expect(jwks.fetches).toBe(2);
    vi.setSystemTime(Date.now() + 41 * 60_000);
    expect((await users(url, bearer(await token(1, 'k2')))).status).toBe(200);
    expect(jwks.fetches).toBe(3);
    vi.useRealTimers();
  });

  it('refuses a token without kid when several keys could match, and HS tokens', async () => {
    jwks.keys = [await publicJwk(keys[0]!.publicKey, 'k1', 'RS256'), await publicJwk(keys[1]!.publicKey, 'k2', 'RS256')];
    const { url } = await serve({ auth: { jwt: { jwksUri: jwks.url } } });
    expect((await users(url, bearer(await sign({ sub: 'u', tenant_id: TENANT_B }, keys[0]!.privateKey, { alg: 'RS256', kid: 'k1' })))).status).toBe(200);
    expect401(await users(url, bearer(await sign({ sub: 'u' }, keys[0]!.privateKey, { alg: 'RS256' }))), INVALID);
    expect401(await users(url, bearer(await sign({ sub: 'u' }, new TextEncoder().encode(JSON.stringify(jwks.keys[0])), { alg: 'HS256', kid: 'k1' }))), INVALID);
  });

  it('keys that cannot be fetched: 503 AUTH_UNAVAILABLE with Retry-After, not 401', async () => {
    const failing = await jwksServer([]);
    failing.failing = true;
    const { url } = await serve({ auth: { jwt: { jwksUri: failing.url } } });
    const reply = await users(url, bearer(await sign({ sub: 'u' }, keys[0]!.privateKey, { alg: 'RS256', kid: 'k1' })));
    await failing.close();
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect((reply.json as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('AUTH_UNAVAILABLE');
  });
});

describe('optional authentication and the application context', () => {
  it('required: false: no token is anonymous, an invalid token still 401', async () => {
    const { url } = await serve({ auth: { jwt: { secret: SECRET }, required: false }, context: (req) => ({ tenant_id: req.headers['x-tenant'] as string | undefined }) });
    // Anonymous: only the application's context (here a header) applies.
    expect(new Set(ids((await users(url, { 'x-tenant': TENANT_B })).json))).toEqual(new Set([bUser(1), bUser(2)]));
    expect(ids((await users(url)).json)).toEqual([]);
    expect401(await users(url, bearer('garbage')), INVALID);
    // Both: the token's verified tenant wins over the header; a token without tenant keeps the header's.
    const b = await users(url, { ...bearer(await sign({ sub: 'u', tenant_id: TENANT_B })), 'x-tenant': TENANT_A });
    expect(new Set(ids(b.json))).toEqual(new Set([bUser(1), bUser(2)]));
    const noTenant = await users(url, { ...bearer(await sign({ sub: 'u' })), 'x-tenant': TENANT_B });
    expect(new Set(ids(noTenant.json))).toEqual(new Set([bUser(1), bUser(2)]));
  });

  it('auth.context maps the claims to the context', async () => {
    const { url } = await serve({ auth: { jwt: { secret: SECRET }, context: (claims) => ({ tenant_id: claims['https://fraise.test/tenant'] as string }) } });
    const reply = await users(url, bearer(await sign({ sub: 'u', 'https://fraise.test/tenant': TENANT_B })));
    expect(new Set(ids(reply.json))).toEqual(new Set([bUser(1), bUser(2)]));
  });
});

