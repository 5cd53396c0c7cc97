// The five request shapes of `npm run bench:http` (issue 11), each with the statement a careful
// person writes by hand for it: ONE query on the base tables (tb_*, not the v_* views) that builds
// the whole response, `{"data": ...}`, inside PostgreSQL. The floor server runs it as a named
// prepared statement and writes its text with one `res.end` and a Content-Length (server.ts).
// The operations are bench/operations/Floor*.graphql; before measuring, the bench checks that the
// floor, Fraise and graphql-js answer the same JSON.
//
// `viewsSql` is the same careful statement over the v_* views Fraise reads (`data` keys where the
// view has no column: title, body, the ISO createdAt, a user's name): the "floor over views" server,
// a second reference that tells how much of Fraise's distance to the floor the views cost. A view's
// `data` is built only for the rows returned: the lists read the rows' keys first where PostgreSQL
// would otherwise build `data` for every row it sorts (a post's comments).

/** ISO-8601 UTC with milliseconds, as the views' blog_iso() writes timestamps into `data`. */
const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface Shape {
  /** Short name shown in the table. */
  readonly name: string;
  /** What the issue calls it. */
  readonly description: string;
  /** The Fraise operation (bench/operations/<operation>.graphql). */
  readonly operation: string;
  readonly variables: Readonly<Record<string, unknown>>;
  /** The hand-written statement; `floorValues` are its bind values. */
  readonly floorSql: string;
  /** The hand-written statement over the views (same bind values). */
  readonly viewsSql: string;
  readonly floorValues: (variables: Readonly<Record<string, unknown>>) => unknown[];
  /** Multiplies the measured seconds (slow shapes need longer slices for enough requests). */
  readonly durationFactor: number;
}

const lookup: Shape = {
  name: 'lookup',
  description: 'lookup by id, 3 fields',
  operation: 'FloorLookup',
  variables: { id: '11111111-1111-4111-8111-000000000007' },
  floorSql: `SELECT json_build_object('data', json_build_object('user',
  (SELECT json_build_object('id', u.id, 'name', u.name, 'emailAddress', u.email) FROM tb_user u WHERE u.id = $1)))::text`,
  viewsSql: `SELECT json_build_object('data', json_build_object('user',
  (SELECT json_build_object('id', u.id, 'name', u.data->'name', 'emailAddress', u.email) FROM v_user u WHERE u.id = $1)))::text`,
  floorValues: (v) => [v['id']],
  durationFactor: 1,
};

const list100: Shape = {
  name: 'list 100',
  description: 'list of 100, ordered, 5 fields',
  operation: 'FloorList100',
  variables: {},
  floorSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.title, 'status', p.status, 'views', p.views, 'createdAt', ${iso('p.created_at')})
  ORDER BY p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT id, title, status, views, created_at FROM tb_post ORDER BY created_at DESC, id LIMIT 100) p`,
  viewsSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.data->'title', 'status', p.status, 'views', p.views, 'createdAt', p.data->'created_at')
  ORDER BY p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT id, data, status, views, created_at FROM v_post ORDER BY created_at DESC, id LIMIT 100) p`,
  floorValues: () => [],
  durationFactor: 1,
};

const nested50: Shape = {
  name: 'nested 50x(1+4)',
  description: '50 rows x (object + list of 4 objects)',
  operation: 'FloorNested50',
  variables: {},
  floorSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.title,
    'author', (SELECT json_build_object('id', u.id, 'name', u.name) FROM tb_user u WHERE u.pk_user = p.fk_author),
    'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'body', c.body, 'createdAt', ${iso('c.created_at')})
                                          ORDER BY c.created_at, c.id), '[]'::json)
                 FROM (SELECT id, body, created_at FROM tb_comment WHERE fk_post = p.pk_post
                       ORDER BY created_at, id LIMIT 4) c))
  ORDER BY p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT pk_post, id, title, fk_author, created_at FROM tb_post ORDER BY created_at DESC, id LIMIT 50) p`,
  viewsSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.data->'title',
    'author', (SELECT json_build_object('id', u.id, 'name', u.data->'name') FROM v_user u WHERE u.id = p.author_id),
    'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'body', c.data->'body', 'createdAt', c.data->'created_at')
                                          ORDER BY k.created_at, k.id), '[]'::json)
                 FROM (SELECT id, created_at FROM v_comment WHERE post_id = p.id ORDER BY created_at, id LIMIT 4) k
                 JOIN v_comment c ON c.id = k.id))
  ORDER BY p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT id, data, author_id, created_at FROM v_post ORDER BY created_at DESC, id LIMIT 50) p`,
  floorValues: () => [],
  durationFactor: 1,
};

const rows10k: Shape = {
  name: '10k rows',
  description: '10,000 rows',
  operation: 'FloorRows10k',
  variables: {},
  floorSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.title, 'status', p.status, 'views', p.views, 'createdAt', ${iso('p.created_at')})
  ORDER BY p.created_at, p.id), '[]'::json)))::text
FROM (SELECT id, title, status, views, created_at FROM tb_post ORDER BY created_at, id LIMIT 10000) p`,
  viewsSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.data->'title', 'status', p.status, 'views', p.views, 'createdAt', p.data->'created_at')
  ORDER BY p.created_at, p.id), '[]'::json)))::text
FROM (SELECT id, data, status, views, created_at FROM v_post ORDER BY created_at, id LIMIT 10000) p`,
  floorValues: () => [],
  durationFactor: 3,
};

const filtered20: Shape = {
  name: 'filtered 20x5',
  description: 'filtered + ordered 20, each with its 5 latest children',
  operation: 'FloorFiltered20',
  variables: {},
  floorSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.title, 'views', p.views,
    'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'body', c.body, 'createdAt', ${iso('c.created_at')})
                                          ORDER BY c.created_at DESC, c.id), '[]'::json)
                 FROM (SELECT id, body, created_at FROM tb_comment WHERE fk_post = p.pk_post
                       ORDER BY created_at DESC, id LIMIT 5) c))
  ORDER BY p.views DESC, p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT pk_post, id, title, views, created_at FROM tb_post WHERE status = 'PUBLISHED'
      ORDER BY views DESC, created_at DESC, id LIMIT 20) p`,
  viewsSql: `SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.id, 'title', p.data->'title', 'views', p.views,
    'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'body', c.data->'body', 'createdAt', c.data->'created_at')
                                          ORDER BY k.created_at DESC, k.id), '[]'::json)
                 FROM (SELECT id, created_at FROM v_comment WHERE post_id = p.id ORDER BY created_at DESC, id LIMIT 5) k
                 JOIN v_comment c ON c.id = k.id))
  ORDER BY p.views DESC, p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT id, data, views, created_at FROM v_post WHERE status = 'PUBLISHED'
      ORDER BY views DESC, created_at DESC, id LIMIT 20) p`,
  floorValues: () => [],
  durationFactor: 1,
};

export const shapes: readonly Shape[] = [lookup, list100, nested50, rows10k, filtered20];
