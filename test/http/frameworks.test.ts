// The same handler as Express middleware (with and without a body parser in front) and inside
// Fastify, driven over loopback with fetch.
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type GraphQLHandler } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { constantOperation, errorsOf, get, post } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';
const touch = constantOperation('mutation', 'Touch', 'mutation Touch { touch }', { kind: 'data' }, {
  name: 'fraise_test_touch',
  text: `SELECT json_build_object('touch', true)::text`,
});

let db: TestDatabase;
let fixture: GeneratedFixture;
let handler: GraphQLHandler;
const servers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-frameworks');
  handler = createHandler({ pool: db.pool, operations: [...Object.values(fixture.operations), touch], maxBodyBytes: 4096 });
});
afterAll(async () => {
  for (const close of servers) await close();
  await db?.drop();
});

async function listenExpress(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

/** Fastify reads bodies itself; a pass-through parser leaves the stream to the handler. */
async function listenFastify(): Promise<string> {
  const app: FastifyInstance = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.all('/graphql', async (request, reply) => {
    reply.hijack(); // the handler writes the response itself, streaming
    await handler(request.raw, reply.raw);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  servers.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
}

const setups: [string, () => Promise<string>][] = [
  ['Express', () => {
    const app = express();
    app.use('/graphql', handler);
    return listenExpress(app);
  }],
  ['Express behind express.json()', () => {
    const app = express();
    app.use(express.json({ limit: '4kb' }));
    app.use('/graphql', handler);
    return listenExpress(app);
  }],
  ['Fastify', listenFastify],
];

describe.each(setups)('%s', (_name, start) => {
  let url: string;
  beforeAll(async () => {
    url = await start();
  });

  it('runs persisted operations over POST and GET, streaming lists', async () => {
    const runtime = createRuntime({ pool: db.pool });
    const userById = fixture.operationsByName['UserById']!;
    const allPosts = fixture.operationsByName['AllPosts']!;
    const byPost = await post(url, { documentId: `sha256:${userById.id}`, variables: { id: ALICE } });
    expect([byPost.status, byPost.json]).toEqual([200, await runtime.execute(userById, { id: ALICE })]);
    const byGet = await get(url, { extensions: { persistedQuery: { version: 1, sha256Hash: allPosts.id } } });
    expect([byGet.status, byGet.json]).toEqual([200, await runtime.execute(allPosts, {})]);
  });

  it('answers the protocol errors itself', async () => {
    const mutationOverGet = await get(url, { documentId: touch.id });
    expect([mutationOverGet.status, mutationOverGet.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await post(url, { documentId: touch.id })).json).toEqual({ data: { touch: true } });
    const unknown = await post(url, { documentId: 'sha256:0000' }, 'application/json');
    expect([unknown.status, unknown.json]).toEqual([200, errorsOf('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound')]);
    const badVariables = await post(url, { documentId: fixture.operationsByName['UserById']!.id, variables: { id: 1 } });
    expect(badVariables.status).toBe(400);
  });

  it('refuses malformed and oversized bodies', async () => {
    const malformed = await post(url, '{"documentId":');
    expect(malformed.status).toBe(400);
    const large = await post(url, { documentId: touch.id, variables: { pad: 'x'.repeat(8192) } });
    expect(large.status).toBe(413);
  });
});
