// The oracle itself needs a few fixed points: exact results on a tiny schema whose views are built
// over VALUES inside this file's own database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { executeReference } from './support/referenceExecutor.js';

const SCHEMA = /* GraphQL */ `
  type Author @view(name: "oracle.v_author") {
    id: ID!
    name: String!
    email: String @jsonKey(name: "email_address")
    posts(where: PostWhere, orderBy: [PostOrderBy!], limit: Int, offset: Int): [Post!]! @relation(foreignKey: "author_id")
  }
  type Post @view(name: "oracle.v_post") {
    id: ID!
    title: String!
    views: Int
    publishedAt: DateTime
    tags: [String!]!
    meta: Meta
    author: Author! @relation(localKey: "author_id")
  }
  type Meta { lang: String, wordCount: Int }
  type Query {
    posts(where: PostWhere, orderBy: [PostOrderBy!], limit: Int, offset: Int): [Post!]!
    post(id: ID!): Post
    authors(where: AuthorWhere, orderBy: [AuthorOrderBy!]): [Author!]!
  }
`;

// Post 12 is published before post 10 as an instant, though its text sorts after it.
const VIEWS = `
  CREATE SCHEMA oracle;
  CREATE VIEW oracle.v_author AS SELECT * FROM (VALUES
    (1, '{"id": 1, "name": "Ann", "email_address": "ann@example.com"}'::jsonb),
    (2, '{"id": 2, "name": "bob", "email_address": null}'),
    (3, '{"id": 3, "name": "Émile"}')
  ) AS t(id, data);
  CREATE VIEW oracle.v_post AS SELECT * FROM (VALUES
    (10, 1, timestamptz '2024-01-01T10:00:00Z',
      '{"id": 10, "title": "Hello", "views": 5, "published_at": "2024-01-01T10:00:00+00:00", "tags": ["a", "b"], "meta": {"lang": "en", "word_count": 100}}'::jsonb),
    (11, 1, NULL, '{"id": 11, "title": "draft", "views": null, "published_at": null, "tags": [], "meta": null}'),
    (12, 2, timestamptz '2024-01-01T11:00:00+02:00',
      '{"id": 12, "title": "Zebra", "views": 20, "published_at": "2024-01-01T11:00:00+02:00", "tags": ["b"], "meta": {"lang": "fr", "word_count": 50}}'),
    (13, 2, timestamptz '2024-02-01T00:00:00Z',
      '{"id": 13, "title": "apple", "views": 5, "published_at": "2024-02-01T00:00:00+00:00", "tags": ["c"], "meta": {"lang": "en"}}'),
    (14, 3, timestamptz '2024-03-01T00:00:00Z',
      '{"id": 14, "title": "100% sure_thing", "views": 7, "published_at": "2024-03-01T00:00:00+00:00", "tags": ["a"], "meta": {"lang": "de"}}')
  ) AS t(id, author_id, published_at, data);
`;

describe('reference executor', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(VIEWS);
  });
  afterAll(() => db?.drop());

  const run = (document: string, variables?: Record<string, unknown>) =>
    executeReference({ pool: db.pool, schemaSdl: SCHEMA, document, variables });
  const ids = (result: { data?: unknown }) => (result.data as { posts: { id: number }[] }).posts.map((p) => p.id);

  it('projects data keys (camelCase -> snake_case, @jsonKey), embedded objects and lists unchanged', async () => {
    const result = await run(`{
      posts(limit: 2) { id title publishedAt tags meta { lang wordCount } }
      authors { name email }
    }`);
    expect(result).toEqual({
      data: {
        posts: [
          { id: 10, title: 'Hello', publishedAt: '2024-01-01T10:00:00+00:00', tags: ['a', 'b'], meta: { lang: 'en', wordCount: 100 } },
          { id: 11, title: 'draft', publishedAt: null, tags: [], meta: null },
        ],
        authors: [
          { name: 'Ann', email: 'ann@example.com' },
          { name: 'bob', email: null },
          { name: 'Émile', email: null },
        ],
      },
    });
  });

  it('follows relations both ways and looks rows up by key', async () => {
    const result = await run(`{
      authors(where: { name: { eq: "Ann" } }) { name posts(orderBy: [{ title: DESC }]) { title } }
      post(id: 12) { title author { name } }
      missing: post(id: 99) { title }
    }`);
    expect(result).toEqual({
      data: {
        authors: [{ name: 'Ann', posts: [{ title: 'draft' }, { title: 'Hello' }] }],
        post: { title: 'Zebra', author: { name: 'bob' } },
        missing: null,
      },
    });
  });

  it('filters with AND, OR, NOT in three-valued logic, through relations and embedded objects', async () => {
    // NOT {views: 5} is unknown for the post whose views is null, so that post is not returned.
    expect(ids(await run(`{ posts(where: { NOT: { views: { eq: 5 } } }) { id } }`))).toEqual([12, 14]);
    expect(
      ids(
        await run(`{ posts(where: {
          OR: [{ views: { gte: 20 } }, { AND: [{ title: { ilike: "h%" } }, { NOT: { tags: { contains: ["z"] } } }] }]
        }) { id } }`),
      ),
    ).toEqual([10, 12]);
    expect(ids(await run(`{ posts(where: { author: { name: { eq: "bob" } }, meta: { lang: { eq: "en" } } }) { id } }`))).toEqual([13]);
    expect(ids(await run(`{ posts(where: { title: { like: "100\\\\% sure\\\\_%" } }) { id } }`))).toEqual([14]);
    expect(ids(await run(`{ posts(where: { views: { isnull: true } }) { id } }`))).toEqual([11]);
    expect(ids(await run(`{ posts(where: { publishedAt: { lt: "2024-01-01T10:00:00Z" } }) { id } }`))).toEqual([12]);
  });

  it('orders with PostgreSQL null placement, C collation and the id tie-breaker', async () => {
    const order = async (orderBy: string) => ids(await run(`{ posts(orderBy: ${orderBy}) { id } }`));
    expect(await order('[{ views: ASC }]')).toEqual([10, 13, 14, 12, 11]);
    expect(await order('[{ views: DESC }]')).toEqual([11, 12, 14, 10, 13]);
    expect(await order('[{ views: DESC_NULLS_LAST }, { title: ASC }]')).toEqual([12, 14, 10, 13, 11]);
    expect(await order('[{ title: ASC }]')).toEqual([14, 10, 12, 13, 11]);
    expect(await order('[{ publishedAt: ASC_NULLS_FIRST }]')).toEqual([11, 12, 10, 13, 14]);
    expect(ids(await run(`{ posts(orderBy: [{ views: ASC }], limit: 2, offset: 1) { id } }`))).toEqual([13, 14]);
  });

  it('takes values from variables, drops operators whose variable is omitted, and rejects explicit nulls', async () => {
    const doc = `query Q($min: Int, $where: PostWhere!) { posts(where: { views: { gte: $min }, AND: [$where] }) { id } }`;
    expect(ids(await run(doc, { min: 6, where: { tags: { contains: ['a'] } } }))).toEqual([14]);
    expect(ids(await run(doc, { where: {} }))).toEqual([10, 11, 12, 13, 14]);
    const result = await run(doc, { min: null, where: {} });
    expect(result.data).toBeNull();
    expect(result.errors).toMatchObject([{ message: expect.stringContaining('explicit null') }]);
  });

  it('sorts strings exactly as the database does', async () => {
    const words = ['b', 'B', 'a', 'É', 'é', 'e', 'z', '～', '😀', '', ' x', 'ab', 'a b'];
    await db.pool.query(`CREATE TABLE oracle.word (id int, title text)`);
    await db.pool.query(`INSERT INTO oracle.word SELECT i, w FROM unnest($1::text[]) WITH ORDINALITY AS u(w, i)`, [words]);
    await db.pool.query(`CREATE VIEW oracle.v_word AS SELECT id, jsonb_build_object('id', id, 'title', title) AS data FROM oracle.word`);
    const schema = SCHEMA.replace('type Query {', 'type Word @view(name: "oracle.v_word") { id: ID! title: String! }\ntype Query { words(orderBy: [WordOrderBy!]): [Word!]!');
    const result = await executeReference({ pool: db.pool, schemaSdl: schema, document: `{ words(orderBy: [{ title: ASC }]) { title } }` });
    const expected = await db.pool.query<{ title: string }>(`SELECT data->>'title' AS title FROM oracle.v_word ORDER BY 1, id`);
    expect((result.data as { words: { title: string }[] }).words.map((w) => w.title)).toEqual(expected.rows.map((r) => r.title));
  });
});
