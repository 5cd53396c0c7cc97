// The floor: per scenario, ONE statement a skilled person would write by hand to build the whole
// response JSON inside PostgreSQL, over the same views. Each view row's `data` is read once in a
// fenced subquery (OFFSET 0), so PostgreSQL does not rebuild it at every `->` (the view's data is
// an expression, inlined wherever it is referenced).

/** A post's `tags` ([{id, name}] embedded in data), projected to the selected keys. */
const tags = (d: string): string =>
  `(SELECT coalesce(json_agg(json_build_object('id', t.v->'id', 'name', t.v->'name') ORDER BY t.i), '[]'::json)
    FROM jsonb_array_elements(${d}->'tags') WITH ORDINALITY AS t(v, i))`;

/** PostWithAuthor($id): the post with its author, or null. */
export const postWithAuthorFloor = `
SELECT json_build_object('data', json_build_object('post', (
  SELECT json_build_object(
    'id', p.d->'id', 'title', p.d->'title', 'status', p.d->'status', 'views', p.d->'views',
    'rating', p.d->'rating', 'publishedAt', p.d->'published_at', 'tags', ${tags('p.d')},
    'metadata', p.d->'metadata',
    'author', (SELECT json_build_object('id', u.d->'id', 'name', u.d->'name', 'role', u.d->'role',
                 'profile', CASE WHEN jsonb_typeof(u.d->'profile') = 'object'
                                 THEN json_build_object('website', u.d->'profile'->'website',
                                                        'location', u.d->'profile'->'location') END)
               FROM (SELECT data AS d FROM v_user WHERE id = p.author_id OFFSET 0) u))
  FROM (SELECT author_id, data AS d FROM v_post WHERE id = $1 OFFSET 0) p
)))::text`;

/**
 * PostsPage($offset): 100 posts by id. The page's ids are found first and only those rows' data is
 * built: rows skipped by OFFSET would otherwise have their data built too (see docs/benchmarks.md).
 */
export const postsPageFloor = `
SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.d->'id', 'title', p.d->'title', 'status', p.d->'status', 'views', p.d->'views',
    'rating', p.d->'rating', 'publishedAt', p.d->'published_at', 'createdAt', p.d->'created_at',
    'authorId', p.d->'author_id', 'tags', ${tags('p.d')}, 'metadata', p.d->'metadata')
  ORDER BY k.id), '[]'::json)))::text
FROM (SELECT id FROM v_post ORDER BY id LIMIT 100 OFFSET $1) k
CROSS JOIN LATERAL (SELECT data AS d FROM v_post WHERE id = k.id OFFSET 0) p`;

const userRef = (alias: string, fk: string): string =>
  `(SELECT json_build_object('id', ${alias}.d->'id', 'name', ${alias}.d->'name')
    FROM (SELECT data AS d FROM v_user WHERE id = ${fk} OFFSET 0) ${alias})`;

/**
 * PostsWithAuthorAndComments: the 20 newest posts, author, first 5 comments with their author.
 * A comment's JSON is built in a subquery of the select list, which PostgreSQL evaluates after the
 * sort and limit; selecting `data` there instead builds it for every comment of the post first.
 */
export const nestedFloor = `
SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.d->'id', 'title', p.d->'title',
    'author', ${userRef('a', 'p.author_id')},
    'comments', (SELECT coalesce(json_agg(c.j ORDER BY c.created_at, c.id), '[]'::json)
                 FROM (SELECT vc.created_at, vc.id,
                              (SELECT json_build_object('id', x.d->'id', 'body', x.d->'body',
                                                        'author', ${userRef('ca', 'vc.author_id')})
                               FROM (SELECT vc.data AS d OFFSET 0) x) AS j
                       FROM v_comment vc WHERE vc.post_id = p.id
                       ORDER BY vc.created_at, vc.id LIMIT 5) c))
  ORDER BY p.created_at DESC, p.id), '[]'::json)))::text
FROM (SELECT id, author_id, created_at, data AS d FROM v_post ORDER BY created_at DESC, id LIMIT 20) p`;

/** PostsFilter($status, $limit, $offset): a big page of one status by views. */
export const postsFilterFloor = `
SELECT json_build_object('data', json_build_object('posts', coalesce(json_agg(json_build_object(
    'id', p.d->'id', 'title', p.d->'title', 'status', p.d->'status', 'views', p.d->'views',
    'createdAt', p.d->'created_at', 'authorId', p.d->'author_id')
  ORDER BY p.views DESC, p.created_at, p.id), '[]'::json)))::text
FROM (SELECT id, views, created_at, data AS d FROM v_post WHERE status = $1
      ORDER BY views DESC, created_at, id LIMIT $2 OFFSET $3) p`;
