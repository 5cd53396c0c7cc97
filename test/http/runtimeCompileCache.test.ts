// Run-time compilation caches one compiled operation per (document, operationName): a document
// with several operations serves each of them, compiling each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentCompiler } from '../../compiler/index.js';
import { createHandler } from '../../runtime/index.js';
import { repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, sha256, type Listening } from './support.js';

const DOCUMENT = `query FirstUser { users(limit: 1, orderBy: [{ identifier: ASC }]) { identifier } }
query FirstTag { tags(limit: 1, orderBy: [{ name: ASC }]) { name } }`;

let db: TestDatabase;
let server: Listening;
const compiled: (string | undefined)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url });
  server = await listen(createHandler({
    pool: db.pool,
    operations: {},
    compile: (document, operationName) => {
      compiled.push(operationName);
      return compile(document, operationName);
    },
  }));
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('the run-time compile cache', () => {
  it('keys compilations by operationName: each operation of one document is served, and compiled once', async () => {
    // Expected rows, read from the database directly (the fixture's first identifier and tag name).
    const { rows: [user] } = await db.pool.query<{ identifier: string }>('SELECT identifier FROM v_user ORDER BY identifier COLLATE "C" LIMIT 1');
    const { rows: [tag] } = await db.pool.query<{ name: string }>(`SELECT data->>'name' AS name FROM v_tag ORDER BY data->>'name' COLLATE "C" LIMIT 1`);
    const first = await post(server.url, { query: DOCUMENT, operationName: 'FirstUser' });
    expect([first.status, first.json]).toEqual([200, { data: { users: [{ identifier: user!.identifier }] } }]);
    const second = await post(server.url, { query: DOCUMENT, operationName: 'FirstTag' });
    expect([second.status, second.json]).toEqual([200, { data: { tags: [{ name: tag!.name }] } }]);
    // Again, and by hash (Apollo's registered form): both come from the cache.
    const again = await post(server.url, { query: DOCUMENT, operationName: 'FirstUser' });
    expect(again.json).toEqual(first.json);
    const byHash = await post(server.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(DOCUMENT) } }, operationName: 'FirstTag' });
    expect(byHash.json).toEqual(second.json);
    expect(compiled).toEqual(['FirstUser', 'FirstTag']);
  });

  it('still refuses a name that the document does not define', async () => {
    const reply = await post(server.url, { query: DOCUMENT, operationName: 'Nope' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ errors: [{ message: 'Unknown operation named "Nope"', extensions: { code: 'OPERATION_NAME_MISMATCH' } }] });
  });

  it('keeps the compileCacheSize most recently used documents', async () => {
    const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url });
    const calls: string[] = [];
    const small = await listen(createHandler({
      pool: db.pool,
      operations: {},
      compileCacheSize: 2,
      compile: (document, operationName) => {
        calls.push(/query (\w+)/.exec(document)![1]!);
        return compile(document, operationName);
      },
    }));
    try {
      const documents: Record<string, string> = {
        A: 'query A { users(limit: 1) { id } }',
        B: 'query B { tags(limit: 1) { name } }',
        C: 'query C { users(limit: 2) { id } }',
      };
      for (const name of ['A', 'B', 'A', 'C', 'B', 'A']) {
        const reply = await post(small.url, { query: documents[name] });
        expect(reply.status, name).toBe(200);
      }
      // Least recently used goes first: A is used again before C arrives, so C evicts B, then B
      // evicts A. (Oldest-first eviction would have compiled A, B, C, A.)
      expect(calls).toEqual(['A', 'B', 'C', 'B', 'A']);
    } finally {
      await small.close();
    }
  });
});
