// Persisted documents over HTTP: every id spelling clients use, the three manifest formats, and
// the refusals (not found, not in the list, hash mismatch, wrong operation name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHandler,
  createRuntime,
  FraiseError,
  parsePersistedDocuments,
  type CompiledOperation,
  type Runtime,
} from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { errorsOf, get, listen, post, sha256, type Listening } from './support.js';

const ALICE = '11111111-1111-4111-8111-000000000001';

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let userById: CompiledOperation;
let server: Listening;
let safelisted: Listening;

const relayManifest = { 'relay-0001': '' };
const codegenManifest: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'http-persisted');
  runtime = createRuntime({ pool: db.pool });
  userById = fixture.operationsByName['UserById']!;
  // Relay prints documents its own way and names them by its own ids: tied to operations by name.
  relayManifest['relay-0001'] = 'query UserById($id: ID!) { user(id: $id) { ...UserSummary bio } }\nfragment UserSummary on User { id name }';
  codegenManifest[sha256('query ListUsers { users { id } }')] = 'query ListUsers { users { id } }';
  const apollo = JSON.parse(fixture.files.get('persisted-queries.json')!) as unknown;
  const manifests = [apollo, relayManifest, codegenManifest].map((m) => parsePersistedDocuments(m));
  server = await listen(createHandler({ pool: db.pool, operations: fixture.operations, manifests }));
  safelisted = await listen(createHandler({ pool: db.pool, operations: fixture.operations, safelist: true }));
});
afterAll(async () => {
  await server?.close();
  await safelisted?.close();
  await db?.drop();
});

async function expected(name: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  return runtime.execute(fixture.operationsByName[name]!, variables);
}

describe('persisted document ids', () => {
  const spellings: [string, (id: string) => Record<string, unknown>][] = [
    ['documentId with sha256: prefix', (id) => ({ documentId: `sha256:${id}` })],
    ['documentId without prefix', (id) => ({ documentId: id })],
    ['doc_id', (id) => ({ doc_id: id })],
    ['id', (id) => ({ id })],
    ['Apollo persistedQuery', (id) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } })],
  ];
  for (const [name, params] of spellings) {
    it(`runs an operation named by ${name}, over POST and GET`, async () => {
      const want = await expected('UserById', { id: ALICE });
      expect(want).toMatchObject({ data: { user: { name: expect.any(String) } } });
      const byPost = await post(server.url, { ...params(userById.id), variables: { id: ALICE } });
      expect(byPost.status).toBe(200);
      expect(byPost.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
      expect(byPost.json).toEqual(want);
      const byGet = await get(server.url, { ...params(userById.id), variables: { id: ALICE } });
      expect(byGet.status).toBe(200);
      expect(byGet.json).toEqual(want);
    });
  }

  it('accepts the document text when it is a persisted document', async () => {
    const reply = await post(server.url, { query: userById.body, variables: { id: ALICE }, operationName: 'UserById' });
    expect(reply.json).toEqual(await expected('UserById', { id: ALICE }));
  });

  it('accepts an Apollo registration of a known document (query and matching hash)', async () => {
    const reply = await post(server.url, {
      query: userById.body,
      variables: { id: ALICE },
      extensions: { persistedQuery: { version: 1, sha256Hash: userById.id } },
    });
    expect(reply.json).toEqual(await expected('UserById', { id: ALICE }));
  });
});

describe('manifests', () => {
  it("serves the ids of Apollo's manifest (fraise-compile's persisted-queries.json)", async () => {
    const manifest = parsePersistedDocuments(JSON.parse(fixture.files.get('persisted-queries.json')!));
    expect(manifest.length).toBe(Object.keys(fixture.operations).length);
    const entry = manifest.find((m) => m.name === 'ListUsers')!;
    const reply = await post(server.url, { documentId: entry.id });
    expect(reply.json).toEqual(await expected('ListUsers'));
  });

  it("serves Relay's ids (id -> text), tied to the compiled operation by name", async () => {
    const reply = await post(server.url, { doc_id: 'relay-0001', variables: { id: ALICE } });
    expect(reply.json).toEqual(await expected('UserById', { id: ALICE }));
  });

  it("serves GraphQL Code Generator's persisted-documents.json (sha256 -> text)", async () => {
    const reply = await post(server.url, { documentId: `sha256:${sha256('query ListUsers { users { id } }')}` });
    expect(reply.json).toEqual(await expected('ListUsers'));
  });

  it('refuses at start a manifest naming an operation that was not compiled', () => {
    const manifests = [parsePersistedDocuments({ abc: 'query Nope { users { id } }' })];
    expect(() => createHandler({ pool: db.pool, operations: fixture.operations, manifests })).toThrow(
      new FraiseError('INVALID_MANIFEST', 'Persisted documents name operations that were not compiled: abc'),
    );
  });

  it('refuses a manifest in no known format', () => {
    expect(() => parsePersistedDocuments({ format: 'other', version: 2 })).toThrow(FraiseError);
    expect(() => parsePersistedDocuments({ id: 7 })).toThrow('the document of "id" must be a string');
  });
});

describe('unknown documents', () => {
  const unknown = sha256('query Unknown { users { id } }');

  it("answers an unknown id with PERSISTED_QUERY_NOT_FOUND in Apollo's shape", async () => {
    const asJson = await post(server.url, { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } }, 'application/json');
    expect(asJson.status).toBe(200);
    expect(asJson.json).toEqual(errorsOf('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'));
    const asGraphql = await get(server.url, { documentId: `sha256:${unknown}` });
    expect(asGraphql.status).toBe(404);
    expect(asGraphql.json).toEqual(errorsOf('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'));
  });

  it('answers PERSISTED_QUERY_NOT_IN_LIST in safelist mode, and for any unknown text', async () => {
    const byId = await post(safelisted.url, { documentId: unknown });
    expect(byId.status).toBe(400);
    expect(byId.json).toEqual(errorsOf('PERSISTED_QUERY_NOT_IN_LIST', 'PersistedQueryNotInList'));
    const byText = await post(server.url, { query: 'query Unknown { users { id } }' });
    expect(byText.status).toBe(400);
    expect(byText.json).toEqual(errorsOf('PERSISTED_QUERY_NOT_IN_LIST', 'PersistedQueryNotInList'));
    // Registration of an unknown document, with run-time compiling off: refused, hash checked first.
    const registration = await post(server.url, {
      query: 'query Unknown { users { id } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: unknown } },
    });
    expect(registration.json).toEqual(errorsOf('PERSISTED_QUERY_NOT_IN_LIST', 'PersistedQueryNotInList'));
  });

  it('refuses a hash that is not the sha256 of the query sent with it', async () => {
    const reply = await post(server.url, {
      query: userById.body,
      variables: { id: ALICE },
      extensions: { persistedQuery: { version: 1, sha256Hash: unknown } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorsOf('PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query'));
  });

  it('refuses an operationName that is not the operation, and contradictory ids', async () => {
    const wrongName = await post(server.url, { documentId: userById.id, operationName: 'ListUsers', variables: { id: ALICE } });
    expect(wrongName.status).toBe(400);
    expect(wrongName.json).toEqual(errorsOf('OPERATION_NAME_MISMATCH', 'Unknown operation named "ListUsers"'));
    const twoIds = await post(server.url, { documentId: userById.id, id: unknown });
    expect(twoIds.json).toEqual(errorsOf('BAD_REQUEST', 'documentId, doc_id and id name different documents'));
    const idAndText = await post(server.url, { documentId: userById.id, query: userById.body });
    expect(idAndText.json).toEqual(errorsOf('BAD_REQUEST', 'Send either a document id or a query, not both'));
    const version = await post(server.url, { extensions: { persistedQuery: { version: 2, sha256Hash: userById.id } } });
    expect(version.json).toEqual(errorsOf('PERSISTED_QUERY_VERSION_NOT_SUPPORTED', 'Unsupported persisted query version'));
  });
});
