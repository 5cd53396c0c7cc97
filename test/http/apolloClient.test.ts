// Apollo Client's persisted-query link against the handler: hash-only requests for compiled
// operations, and in run-time mode the not-found-then-register round trip (the document is
// compiled by the same compiler, cached, and later requests send the hash alone).
import { ApolloClient, HttpLink, InMemoryCache, gql, type DocumentNode } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentCompiler } from '../../compiler/index.js';
import { createHandler, createRuntime } from '../../runtime/index.js';
import { compileBlogFixture, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { errorsOf, listen, post, sha256, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

// Apollo Client 3.14 warns that `addTypename` goes away in v4, where the persisted document would
// carry the __typename fields the cache adds. This suite pins v3 behaviour, so mute the warning.
(globalThis as Record<symbol, unknown>)[Symbol.for('apollo.deprecations')] = true;

let db: TestDatabase;
let fixture: GeneratedFixture;
let persistedOnly: Listening;
let runtimeMode: Listening;
let compilations = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-apollo');
  persistedOnly = await listen(createHandler({ pool: db.pool, operations: fixture.operations }));
  const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url });
  runtimeMode = await listen(
    createHandler({
      pool: db.pool,
      operations: {},
      compile: (document, operationName) => {
        compilations++;
        return compile(document, operationName);
      },
    }),
  );
});
afterAll(async () => {
  await persistedOnly?.close();
  await runtimeMode?.close();
  await db?.drop();
});

interface Sent {
  readonly method: string;
  readonly hasQuery: boolean;
  readonly hash: string | undefined;
  readonly status: number;
}

/** An Apollo Client with the persisted-query link, recording what it sends. */
function client(uri: string, useGETForHashedQueries = false): { apollo: ApolloClient<unknown>; sent: Sent[] } {
  const sent: Sent[] = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const params: Record<string, unknown> =
      init?.method === 'GET'
        ? { query: url.searchParams.get('query') ?? undefined, extensions: JSON.parse(url.searchParams.get('extensions') ?? '{}') }
        : (JSON.parse(String(init?.body)) as Record<string, unknown>);
    const extensions = params['extensions'] as { persistedQuery?: { sha256Hash?: string } } | undefined;
    const response = await fetch(input, init);
    sent.push({
      method: init?.method ?? 'GET',
      hasQuery: typeof params['query'] === 'string',
      hash: extensions?.persistedQuery?.sha256Hash,
      status: response.status,
    });
    return response;
  };
  const link = createPersistedQueryLink({ sha256: async (text) => sha256(text), useGETForHashedQueries }).concat(
    new HttpLink({ uri, fetch: recordingFetch }),
  );
  // addTypename: false, so that the document sent is the one persisted (its hash is the id).
  return { apollo: new ApolloClient({ link, cache: new InMemoryCache({ addTypename: false }) }), sent };
}

describe('Apollo Client persisted-query link', () => {
  it('runs compiled operations by hash alone (POST and GET)', async () => {
    const userById = fixture.operationsByName['UserById']!;
    const want = await createRuntime({ pool: db.pool }).execute(userById, { id: ALICE });
    for (const useGet of [false, true]) {
      const { apollo, sent } = client(persistedOnly.url, useGet);
      // no-cache: without __typename the cache could not match the document's fragments.
      const result = await apollo.query({ query: gql(userById.body), variables: { id: ALICE }, fetchPolicy: 'no-cache' });
      expect(result.data).toEqual(want.data);
      expect(sent).toEqual([{ method: useGet ? 'GET' : 'POST', hasQuery: false, hash: userById.id, status: 200 }]);
    }
  });

  it('surfaces PERSISTED_QUERY_NOT_IN_LIST when a persisted-only server is sent an unknown document', async () => {
    const { apollo, sent } = client(persistedOnly.url);
    const query: DocumentNode = gql('query Unknown { users { id } }');
    await expect(apollo.query({ query })).rejects.toThrow('PersistedQueryNotInList');
    const hash = sha256('query Unknown {\n  users {\n    id\n  }\n}');
    // Not found, then the registration attempt: refused, as run-time compiling is off. Apollo
    // Client 3 accepts */*, so the answers are application/json: 200 for GraphQL request errors.
    expect(sent).toEqual([
      { method: 'POST', hasQuery: false, hash, status: 200 },
      { method: 'POST', hasQuery: true, hash, status: 200 },
    ]);
  });

  it('in run-time mode: not found, then registered (compiled, cached), then served by hash', async () => {
    const source = 'query AliceName($id: ID!) { user(id: $id) { name role } }';
    const { apollo, sent } = client(runtimeMode.url);
    const first = await apollo.query({ query: gql(source), variables: { id: ALICE } });
    expect(first.data).toEqual({ user: { name: expect.any(String), role: 'ADMIN' } });
    const hash = sent[0]!.hash!;
    expect(sent).toEqual([
      { method: 'POST', hasQuery: false, hash, status: 200 },
      { method: 'POST', hasQuery: true, hash, status: 200 },
    ]);
    expect(compilations).toBe(1);

    const again = client(runtimeMode.url); // a new client: it has not registered anything itself
    const second = await again.apollo.query({ query: gql(source), variables: { id: ALICE } });
    expect(second.data).toEqual(first.data);
    expect(again.sent).toEqual([{ method: 'POST', hasQuery: false, hash, status: 200 }]);
    expect(compilations).toBe(1);
  });

  it('in run-time mode: compiles a plain document once, and checks a registration hash first', async () => {
    const source = 'query TwoUsers { users(limit: 2) { id } }';
    const before = compilations;
    for (let i = 0; i < 2; i++) {
      const reply = await post(runtimeMode.url, { query: source });
      expect(reply.json).toMatchObject({ data: { users: [{ id: expect.any(String) }, { id: expect.any(String) }] } });
    }
    const byHash = await post(runtimeMode.url, { documentId: `sha256:${sha256(source)}` });
    expect(byHash.json).toEqual((await post(runtimeMode.url, { query: source })).json);
    expect(compilations).toBe(before + 1);
    const mismatch = await post(runtimeMode.url, {
      query: 'query Other { users { id } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(source) } },
    });
    expect([mismatch.status, mismatch.json]).toEqual([400, errorsOf('PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query')]);
    expect(compilations).toBe(before + 1);
  });

  it('in run-time mode: a document the compiler refuses is a validation error, not cached', async () => {
    const { apollo } = client(runtimeMode.url);
    await expect(apollo.query({ query: gql('query Bad { nosuchfield }') })).rejects.toThrow(/nosuchfield/);
    const before = compilations;
    await expect(apollo.query({ query: gql('query Bad { nosuchfield }'), fetchPolicy: 'network-only' })).rejects.toThrow();
    expect(compilations).toBe(before + 1);
  });
});
