// Non-null semantics against graphql-js: the same operations on the same rows, which break the
// schema's non-null promises in every way the SQL can (missing keys, JSON nulls, null list elements,
// non-objects, missing related rows, lookups that find nothing). graphql-js runs them synchronously
// over the rows read with plain SELECTs, so its errors come in its deterministic order.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, executeSync, parse, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from '../http/support.js';

const here = path.join(repoRoot, 'test/nonNull');

interface Row {
  readonly id: string;
  readonly author_id?: string | null;
  readonly editor_id?: string | null;
  readonly data: Record<string, unknown>;
}

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let server: Listening;
let smallBatches: Listening;
let oracle: (document: string, variables: Record<string, unknown>) => unknown;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`${await readFile(path.join(here, 'schema.sql'), 'utf8')}; RESET search_path`);
  fixture = await compileProjectTo(db.url, 'non-null', ['test/nonNull/schema.graphql'], ['test/nonNull/operations.graphql']);
  runtime = createRuntime({ pool: db.pool });
  server = await listen(createHandler({ pool: db.pool, operations: fixture.operations }));
  smallBatches = await listen(createHandler({ pool: db.pool, operations: fixture.operations, batchSize: 2 }));
  const posts = (await db.pool.query<Row>('SELECT * FROM nn.v_post ORDER BY id')).rows;
  const authors = (await db.pool.query<Row>('SELECT * FROM nn.v_author ORDER BY id')).rows;
  oracle = graphqlJsOracle(fixture.files.get('schema.graphql')!, posts, authors);
});
afterAll(async () => {
  await server?.close();
  await smallBatches?.close();
  await db?.drop();
});

/** graphql-js over the rows: data keys snake_case, relations by column, lists filtered by id and ordered by id. */
function graphqlJsOracle(sdl: string, posts: readonly Row[], authors: readonly Row[]) {
  const schema = buildSchema(sdl);
  const rows = new Set<unknown>([...posts, ...authors]);
  const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const list = (all: readonly Row[], args: Record<string, unknown>): Row[] => {
    const where = args['where'] as { id?: { in?: string[] } } | undefined;
    const order = (args['orderBy'] as { id?: string }[] | undefined)?.[0]?.id;
    const found = all.filter((r) => where?.id?.in === undefined || where.id.in.includes(r.id));
    return order === 'DESC' ? [...found].reverse() : found;
  };
  const resolve: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (source, args, _ctx, info) => {
    const name = info.fieldName;
    if (info.parentType.name === 'Query') {
      if (name === 'posts' || name === 'maybePosts') return list(posts, args);
      if (name === 'authors') return list(authors, args);
      return posts.find((p) => p.id === args['id']) ?? null;
    }
    if (rows.has(source)) {
      const row = source as Row;
      if (name === 'author' || name === 'editor') return authors.find((a) => a.id === row[`${name}_id`]) ?? null;
      return row.data[snake(name)] ?? null;
    }
    const object = source as Record<string, unknown>;
    return typeof object === 'object' && object !== null ? (object[snake(name)] ?? null) : null;
  };
  return (document: string, variables: Record<string, unknown>): unknown =>
    JSON.parse(JSON.stringify(executeSync({ schema, document: parse(document), variableValues: variables, fieldResolver: resolve })));
}

const cases: [string, Record<string, unknown>][] = [
  ['AllPosts', {}],
  ['MaybePosts', {}],
  ['MaybePostsDeep', {}],
  ...['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p0'].map((id): [string, Record<string, unknown>] => ['PostById', { id }]),
  ['RequiredPost', { id: 'p1' }],
  ['RequiredPost', { id: 'p2' }],
  ['RequiredPost', { id: 'p0' }],
  ['PostAndAuthors', { id: 'p1' }],
  ['CaughtInRows', {}],
];

describe('non-null fields that read null, as graphql-js answers', () => {
  for (const [name, variables] of cases) {
    it(`${name} ${JSON.stringify(variables)}: runtime.execute and the streamed HTTP response`, async () => {
      const op = fixture.operationsByName[name] as CompiledOperation;
      const expected = oracle(op.body, variables);
      expect(await runtime.execute(op, variables)).toEqual(expected);
      const reply = await post(server.url, { query: op.body, variables });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual(expected);
    });
  }

  it('the oracle sees the violations (the cases are not vacuous)', () => {
    const op = fixture.operationsByName['AllPosts']!;
    expect(oracle(op.body, {})).toEqual({
      data: null,
      errors: [{ message: 'Cannot return null for non-nullable field Post.title.', locations: [{ line: 4, column: 5 }], path: ['posts', 1, 'title'] }],
    });
  });

  it('errors follow the streamed rows when they are caught inside a row', async () => {
    const op = fixture.operationsByName['CaughtInRows']!;
    const reply = await post(smallBatches.url, { query: op.body });
    expect(reply.text.startsWith('{"data":{"posts":[{"id" : "p1"')).toBe(true); // p1 as PostgreSQL wrote it
    expect(reply.json).toEqual(oracle(op.body, {}));
    expect((reply.json as { errors: unknown[] }).errors).toHaveLength(2);
  });

  it('cuts a streamed list off when a null propagates past a row after the first batch was written', async () => {
    const op = fixture.operationsByName['PostsDescending']!;
    expect(oracle(op.body, {})).toMatchObject({ data: null });
    expect(await runtime.execute(op, {})).toEqual(oracle(op.body, {}));
    await expect(post(smallBatches.url, { query: op.body })).rejects.toThrow();
  });

  it('marks nulls in SQL only where a non-null field can read null, and only such operations check rows', () => {
    const op = fixture.operationsByName['RequiredPost']!;
    expect(op.marksNulls).toBe(true);
    expect(op.statements[0]!.text).toContain(`'title', coalesce(NULLIF(r1.d->'title', 'null'::jsonb)::json, '"\\u0000"'::json)`);
    const all = fixture.operationsByName['AllPosts']!.statements[0]!.text;
    expect(all).toContain(`'subtitle', r1.d->'subtitle',`); // nullable: as it was
    expect(all).toContain(`'extra', CASE WHEN jsonb_typeof(r1.d->'extra') = 'object' THEN json_build_object('lang', coalesce(`);
    expect(fixture.operationsByName['MaybePosts']!.marksNulls).toBe(true);
  });
});
