// Column-style views read the way bench:http's fraise-columns server reads them (bench/columns/):
// `@column(name:, compare:)` reads one column (the ISO text of a timestamp) and filters and orders
// by another (the timestamptz), and a list with a LIMIT chooses its rows before it builds their
// objects: by their keys when the objects read a computed column of the view (the comments'
// created_at_iso), in one subquery otherwise (the posts: the root list reads it too, but its
// rows come in index order, so only the returned rows are read). Exact SQL, and the answers against real PostgreSQL equal to ones computed here in
// JavaScript from the base tables (tb_*), not by Fraise.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject } from '../../compiler/index.js';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;

interface Row {
  readonly pk: string;
  readonly id: string;
  readonly text: string;
  readonly fk: string;
  readonly status: string;
  readonly views: number;
  /** microseconds since the epoch */
  readonly us: bigint;
}
let users: Row[];
let posts: Row[];
let comments: Row[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(await readFile(path.join(repoRoot, 'bench/columns/views.sql'), 'utf8'));
  fixture = await compileProjectTo(db.url, 'column-compare', ['bench/columns/schema.graphql'], ['bench/operations/Floor*.graphql', 'test/compiler/columns/*.graphql']);
  runtime = createRuntime({ pool: db.pool });
  const epoch = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text AS us`;
  const read = async (sql: string): Promise<Row[]> =>
    (await db.pool.query<Omit<Row, 'us'> & { us: string }>(sql)).rows.map((r) => ({ ...r, us: BigInt(r.us) }));
  users = await read(`SELECT pk_user::text AS pk, id::text, name AS text, '' AS fk, '' AS status, 0 AS views, ${epoch('created_at')} FROM tb_user`);
  posts = await read(`SELECT pk_post::text AS pk, id::text, title AS text, fk_author::text AS fk, status, views, ${epoch('created_at')} FROM tb_post`);
  comments = await read(`SELECT pk_comment::text AS pk, id::text, body AS text, fk_post::text AS fk, '' AS status, 0 AS views, ${epoch('created_at')} FROM tb_comment`);
});
afterAll(() => db?.drop());

/** ISO 8601 UTC with milliseconds (truncated), as the floor and the views write timestamps. */
const iso = (us: bigint): string => new Date(Number(us / 1000n)).toISOString();
const byTime = (a: Row, b: Row): number => (a.us < b.us ? -1 : a.us > b.us ? 1 : 0);
const byId = (a: Row, b: Row): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const commentsOf = (post: Row, order: (a: Row, b: Row) => number, limit: number) =>
  comments
    .filter((c) => c.fk === post.pk)
    .sort(order)
    .slice(0, limit)
    .map((c) => ({ id: c.id, body: c.text, createdAt: iso(c.us) }));

const statementOf = (name: string): string => fixture.operationsByName[name]!.statements[0]!.text;

describe('@column(compare:) and rows chosen before objects', () => {
  it('orders by the compared column, reads the other; limited rows are chosen before their objects, by key when a computed column is read', () => {
    expect(statementOf('FloorNested50')).toBe(
      `SELECT coalesce(json_agg(s1.j ORDER BY s1.o0 DESC, s1.o1 ASC), '[]'::json)::text FROM (SELECT json_build_object('id', t0."id", 'title', t0."title", 'author', coalesce((SELECT json_build_object('id', t2."id", 'name', t2."name") FROM "public"."vc_user" t2 WHERE t2."pk_user" = t0."fk_author"), '"\\u0000"'::json), 'comments', (SELECT coalesce(json_agg(s6.j ORDER BY s6.o0 ASC, s6."id" ASC), '[]'::json) FROM (SELECT json_build_object('id', t5."id", 'body', t5."body", 'createdAt', coalesce(to_json(t5."created_at_iso"), '"\\u0000"'::json)) AS j, q4.* FROM (SELECT k3."id", k3."created_at" AS o0 FROM "public"."vc_comment" k3 WHERE k3."fk_post" = t0."pk_post" ORDER BY k3."created_at" ASC, k3."id" ASC LIMIT 4::integer) q4 JOIN "public"."vc_comment" t5 ON t5."id" = q4."id") s6)) AS j, t0."created_at" AS o0, t0."id" AS o1
FROM (SELECT t0.* FROM "public"."vc_post" t0
ORDER BY t0."created_at" DESC, t0."id" ASC
LIMIT 50::integer) t0) s1`,
    );
  });

  it('filters by the compared column, typed as the field', () => {
    // Plain text columns: the runtime writes the elements (ResultShape `fields`), the rows chosen as before.
    expect(fixture.operationsByName['PostsSince']!.shape).toEqual({ kind: 'list', key: 'posts', fields: [{ key: 'id', kind: 'string' }, { key: 'createdAt', kind: 'string', nonNull: true }] });
    expect(statementOf('PostsSince')).toBe(
      `SELECT s1.c0, s1.c1 FROM (SELECT t0."id" AS c0, t0."created_at_iso" AS c1, t0."created_at" AS o0, t0."id" AS o1
FROM (SELECT t0.* FROM "public"."vc_post" t0
WHERE t0."created_at" >= $1::timestamp with time zone
ORDER BY t0."created_at" ASC, t0."id" ASC
LIMIT 3::integer) t0) s1
ORDER BY s1.o0 ASC, s1.o1 ASC`,
    );
  });

  it('answers nested lists as computed from the tables', async () => {
    const expected = [...posts]
      .sort((a, b) => byTime(b, a) || byId(a, b))
      .slice(0, 50)
      .map((p) => {
        const author = users.find((u) => u.pk === p.fk)!;
        return { id: p.id, title: p.text, author: { id: author.id, name: author.text }, comments: commentsOf(p, (a, b) => byTime(a, b) || byId(a, b), 4) };
      });
    expect(expected.some((p) => p.comments.length === 4)).toBe(true);
    expect(await runtime.execute(fixture.operationsByName['FloorNested50']!, {})).toEqual({ data: { posts: expected } });
  });

  it('answers a filtered, ordered list with its latest children as computed from the tables', async () => {
    const expected = posts
      .filter((p) => p.status === 'PUBLISHED')
      .sort((a, b) => b.views - a.views || byTime(b, a) || byId(a, b))
      .slice(0, 20)
      .map((p) => ({ id: p.id, title: p.text, views: p.views, comments: commentsOf(p, (a, b) => byTime(b, a) || byId(a, b), 5) }));
    expect(expected.length).toBeGreaterThan(2);
    expect(await runtime.execute(fixture.operationsByName['FloorFiltered20']!, {})).toEqual({ data: { posts: expected } });
  });

  it('filters on the compared timestamptz column', async () => {
    const sorted = [...posts].sort((a, b) => byTime(a, b) || byId(a, b));
    const since = sorted[5]!;
    const expected = sorted.filter((p) => p.us >= since.us).slice(0, 3).map((p) => ({ id: p.id, createdAt: iso(p.us) }));
    expect(expected).toHaveLength(3);
    expect(await runtime.execute(fixture.operationsByName['PostsSince']!, { since: iso(since.us) })).toEqual({ data: { posts: expected } });
  });

  it('refuses a compare column the view does not have', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-column-compare-'));
    try {
      const schema = (await readFile(path.join(repoRoot, 'bench/columns/schema.graphql'), 'utf8')).replace('compare: "created_at")', 'compare: "created")');
      await writeFile(path.join(dir, 'schema.graphql'), schema);
      await writeFile(path.join(dir, 'ops.graphql'), 'query Q { posts { id } }');
      const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
      expect(result.ok ? [] : result.diagnostics.map((d) => `${d.code}: ${d.message} | ${d.hint}`)).toEqual([
        'FRAISE_UNKNOWN_COLUMN: Field "Post.createdAt" compares column "created", which view "vc_post" does not have. | Columns: pk_post, id, fk_author, title, status, views, created_at, created_at_iso.',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
