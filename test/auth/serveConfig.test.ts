// fraise-compile serve with the "serve" section of fraise.config.json: auth (a secret read from the
// environment), rateLimit and csrfPrevention reach createHandler; mistakes are named.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../compiler/serve.js';
import { readServeConfig } from '../../compiler/serveConfig.js';
import { post } from '../http/support.js';
import { compileProjectTo } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { bearer, SECRET, sign } from './support.js';

let db: TestDatabase;
let dir: string;
let outDir: string;
let userEmailsId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const fixture = await compileProjectTo(db.url, 'auth-serve', ['test/auth/fixtures/schema.graphql'], ['test/auth/fixtures/operations.graphql']);
  outDir = fixture.outDir;
  userEmailsId = fixture.operationsByName['UserEmails']!.id;
  dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-serve-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

async function configFile(serve: unknown): Promise<string> {
  const file = path.join(dir, `fraise.config.${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ schema: 'schema.graphql', serve }));
  return file;
}

describe('fraise-compile serve with a config file', () => {
  it('serves with auth, rate limit and CSRF prevention from the file', async () => {
    const file = await configFile({
      auth: { jwt: { secret: { env: 'FRAISE_JWT_SECRET' } }, implies: { admin: ['users:email'] } },
      rateLimit: { limit: 2, windowSeconds: 60 },
      csrfPrevention: true,
    });
    const handlerOptions = await readServeConfig(file, true, { FRAISE_JWT_SECRET: SECRET });
    const server = await startServer({ dir: outDir, databaseUrl: db.url, port: 0, log: () => {}, handlerOptions });
    try {
      expect((await post(server.url, { documentId: userEmailsId })).status).toBe(401);
      const token = bearer(await sign({ sub: 'root', scope: 'admin' }));
      const ok = await post(server.url, { documentId: userEmailsId }, undefined, token);
      expect(ok.status).toBe(200);
      const users = (ok.json as { data: { users: { emailAddress: string | null }[] } }).data.users;
      expect(users.every((u) => typeof u.emailAddress === 'string')).toBe(true);
      expect((await post(server.url, { documentId: userEmailsId }, undefined, token)).status).toBe(200);
      expect((await post(server.url, { documentId: userEmailsId }, undefined, token)).status).toBe(429);
      const get = await fetch(`${server.url}?documentId=${userEmailsId}`, { headers: { accept: 'application/json' } });
      expect(get.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('names what is wrong', async () => {
    await expect(readServeConfig(await configFile({ auth: { jwt: { secret: { env: 'NOPE_UNSET' } } } }), true, {})).rejects.toThrow(
      /"serve.auth.jwt.secret" reads the environment variable NOPE_UNSET, which is not set/,
    );
    await expect(readServeConfig(await configFile({ auth: { jwt: {}, context: 'x' } }), true)).rejects.toThrow(/"serve.auth.context" is not an option in a config file/);
    await expect(readServeConfig(await configFile({ rateLimits: {} }), true)).rejects.toThrow(/"serve.rateLimits" is not an option/);
    expect(await readServeConfig(path.join(dir, 'absent.json'), false)).toEqual({});
  });
});
