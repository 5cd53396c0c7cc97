// Shared by the auth tests: the fixture compiled against a test database, tokens signed with jose,
// a pool that counts the connections taken (no connection: no SQL ran), and a JWKS server on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, type JWK, type JWTPayload } from 'jose';
import pg from 'pg';
import type { CompiledOperation } from '../../runtime/index.js';
import { compileProjectTo } from '../support/compileFixture.js';

export async function compileAuthFixture(databaseUrl: string, suite: string): Promise<Readonly<Record<string, CompiledOperation>>> {
  const fixture = await compileProjectTo(databaseUrl, suite, ['test/auth/fixtures/schema.graphql'], ['test/auth/fixtures/operations.graphql']);
  return fixture.operationsByName;
}

export const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
export const secretKey = new TextEncoder().encode(SECRET);

type SigningKey = Parameters<SignJWT['sign']>[0];

/** A signed token; `exp` one hour ahead unless the payload says otherwise. */
export function sign(
  payload: JWTPayload,
  key: SigningKey = secretKey,
  header: { alg: string; kid?: string } = { alg: 'HS256' },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 3600, ...payload }).setProtectedHeader(header).sign(key);
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** A pool whose `connect` calls are counted. */
export class CountingPool extends pg.Pool {
  connects = 0;
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    this.connects++;
    return callback === undefined ? super.connect() : super.connect(callback);
  }
}

export interface JwksServer {
  readonly url: string;
  /** GET requests served so far. */
  fetches: number;
  /** The keys served (replace to rotate). */
  keys: JWK[];
  /** Answer 500 instead of the keys. */
  failing: boolean;
  close(): Promise<void>;
}

export async function jwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { fetches: 0, keys, failing: false };
  const server = http.createServer((req, res) => {
    state.fetches++;
    if (state.failing) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export async function publicJwk(key: Parameters<typeof exportJWK>[0], kid: string, alg: string): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, alg, use: 'sig' };
}
