// Introspection answered from data computed at build time. What GraphQL Code Generator, Apollo's
// tools and GraphiQL send (graphql-js's getIntrospectionQuery) must get exactly what graphql-js
// answers on the served schema (the schema.graphql fraise-compile writes), from a development
// server with run-time compilation and from a compiled list.
import { buildClientSchema, buildSchema, getIntrospectionQuery, graphqlSync, printSchema, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, createDocumentCompiler, formatDiagnostic } from '../../compiler/index.js';
import { createHandler, createRuntime } from '../../runtime/index.js';
import { compileBlogFixture, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from './support.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
let served: GraphQLSchema;
let dev: Listening;

const CODEGEN_OPTIONS = { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true };

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'introspection');
  served = buildSchema(fixture.files.get('schema.graphql')!);
  const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url });
  dev = await listen(createHandler({ pool: db.pool, operations: fixture.operations, compile }));
});
afterAll(async () => {
  await dev?.close();
  await db?.drop();
});

const graphqlJs = (source: string, variableValues?: Record<string, unknown>): unknown =>
  JSON.parse(JSON.stringify(graphqlSync({ schema: served, source, variableValues })));

describe('introspection from a development server', () => {
  for (const [name, query] of [
    ['getIntrospectionQuery()', getIntrospectionQuery()],
    ['getIntrospectionQuery() as GraphQL Code Generator asks it', getIntrospectionQuery(CODEGEN_OPTIONS)],
  ] as const) {
    it(`${name}: graphql-js's answer on the served schema, byte for byte`, async () => {
      const reply = await post(dev.url, { query, operationName: 'IntrospectionQuery' });
      expect(reply.status).toBe(200);
      const expected = graphqlJs(query);
      expect(reply.json).toEqual(expected);
      expect(JSON.stringify(reply.json)).toBe(JSON.stringify(expected)); // the same key order too
      // What a tool does next: rebuild the schema from it.
      const rebuilt = buildClientSchema((reply.json as { data: Parameters<typeof buildClientSchema>[0] }).data);
      expect(printSchema(rebuilt)).toBe(printSchema(served));
    });
  }

  it('__type(name: $name) for every type of the schema and an unknown one, includeDeprecated as a variable', async () => {
    const query = `query T($name: String!, $dep: Boolean) { __type(name: $name) { name kind fields(includeDeprecated: $dep) { name } enumValues(includeDeprecated: $dep) { name } } }`;
    for (const name of [...Object.keys(served.getTypeMap()), 'NoSuchType', '__proto__']) {
      for (const dep of [true, false, null, undefined]) {
        const variables = dep === undefined ? { name } : { name, dep };
        const reply = await post(dev.url, { query, variables });
        expect(reply.json, `${name} ${String(dep)}`).toEqual(graphqlJs(query, variables));
      }
    }
  });

  it('__typename anywhere, introspection next to data, in the order asked', async () => {
    const query = `{ __typename users(limit: 1, orderBy: [{ id: ASC }]) { __typename id } __schema { queryType { name } } t: __type(name: "Post") { name } }`;
    const reply = await post(dev.url, { query });
    const runtime = createRuntime({ pool: db.pool });
    const users = (await runtime.execute(fixture.operationsByName['ListUsers']!, {})) as { data: { users: { id: string }[] } };
    const first = [...users.data.users].sort((a, b) => (a.id < b.id ? -1 : 1))[0]!;
    expect(reply.text.replace(/\s/g, '')).toBe(
      `{"data":{"__typename":"Query","users":[{"__typename":"User","id":"${first.id}"}],"__schema":{"queryType":{"name":"Query"}},"t":{"name":"Post"}}}`,
    );
  });
});

describe('introspection in a compiled list', () => {
  it('compiles into the list by default; introspection: false refuses it with the file and line', async () => {
    const common = { schema: ['fixtures/blog/schema.graphql'], operations: ['test/http/auditDocuments/Type.graphql'], databaseUrl: db.url, cwd: repoRoot };
    const on = await compileProject(common);
    expect(on.ok && on.operations).toEqual(['Type']);
    const off = await compileProject({ ...common, introspection: false });
    expect(off.ok).toBe(false);
    if (off.ok) return;
    expect(off.diagnostics.map(formatDiagnostic).join('\n')).toBe(
      [
        'test/http/auditDocuments/Type.graphql:1:30: error FRAISE_INTROSPECTION_DISABLED: Operation "Type" asks for __type, and introspection is turned off for this build.',
        '1 | query Type($name: String!) { __type(name: $name) { name } }',
        '                                 ^',
        'hint: Leave this operation out of the production build, or turn introspection on (remove "introspection": false / --no-introspection).',
      ].join('\n'),
    );
  });
});
