// Manifest documents are tied to compiled operations by the operations they define. The runtime
// reads that with its own small parser (it has no GraphQL dependency): checked here against
// graphql-js on documents whose braces are not selection sets, and end to end with a Relay manifest
// whose document has an object default value (which the former regular-expression scan took for a
// second, anonymous operation, so the handler refused to start).
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, parsePersistedDocuments } from '../../runtime/index.js';
import { operationNames } from '../../runtime/http/operationNames.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from './support.js';

const DOCUMENTS = [
  'query A { a }',
  '{ a }',
  'query { a } mutation M { b }',
  'query Q($where: PostWhere = { title: { eq: "x" } }) { posts(where: $where) { id } }',
  'query Q($w: W = {a: {b: [{c: 1}]}}, $n: Int = 3) @dir(arg: {x: "}"}) { a }',
  'query Q { a(s: "{ not a selection }", b: """ { \\""" } """) }',
  '# { a comment }\nquery Q { a } # }\n',
  'fragment F on T @d(o: {k: 1}) { a } query Q { ...F }',
  'subscription S { ticks }',
  'query Q($list: [In!] = [{a: 1}, {b: "]"}]) { a }',
  '\uFEFFquery Q, { a, b }',
  'query Q { a(n: -1.5e3, v: ENUM_VALUE, l: [1, 2]) { ... on T { b } } }',
];

function reference(document: string): { kind: string; name: string | undefined }[] {
  return parse(document).definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [{ kind: d.operation, name: d.name?.value }] : [],
  );
}

describe('operationNames', () => {
  it('finds the operations graphql-js finds', () => {
    for (const document of DOCUMENTS) expect([document, operationNames(document)]).toEqual([document, reference(document)]);
  });

  it('says "not a document" rather than guessing', () => {
    for (const broken of ['query Q { a', 'query Q { a }}', 'query Q { a(s: "unterminated) }', 'banana { a }', 'query Q ~ { a }']) {
      expect([broken, operationNames(broken)]).toEqual([broken, undefined]);
    }
  });
});

describe('a Relay manifest whose document has an object default value', () => {
  let db: TestDatabase;
  let fixture: GeneratedFixture;
  let server: Listening;

  beforeAll(async () => {
    db = await createTestDatabase();
    fixture = await compileBlogFixture(db.url, 'http-manifest-names');
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('ties it to the compiled operation of that name, and serves it by the Relay id', async () => {
    const relay = { 'relay-search': 'query SearchPosts($where: PostWhere = { title: { eq: "{" } }, $orderBy: [PostOrderBy!], $limit: Int, $offset: Int) { posts(where: $where, orderBy: $orderBy, limit: $limit, offset: $offset) { id title } }' };
    server = await listen(createHandler({ pool: db.pool, operations: fixture.operations, manifests: [parsePersistedDocuments(relay)] }));
    const direct = await post(server.url, { documentId: fixture.operationsByName['SearchPosts']!.id, variables: { limit: 2, orderBy: [{ title: 'ASC' }] } });
    const reply = await post(server.url, { doc_id: 'relay-search', variables: { limit: 2, orderBy: [{ title: 'ASC' }] } });
    expect(reply.status).toBe(200);
    expect((reply.json as { data: { posts: unknown[] } }).data.posts).toHaveLength(2);
    expect(reply.json).toEqual(direct.json);
  });
});
