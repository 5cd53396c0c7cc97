// The graphql-js contender: buildSchema + ordinary hand-written resolvers over the same views
// (`SELECT data FROM v_post ...`), relations batched per request by a hand-written batcher. The
// document is parsed and validated once (as servers cache it); each request runs `execute`.
import { buildSchema, execute, GraphQLObjectType, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type pg from 'pg';
import { Batcher } from './batcher.js';
import { blogSdl } from './graphqlSchema.js';

type Row = Record<string, unknown>;
interface Context {
  readonly pool: pg.Pool;
  readonly users: Batcher<string, Row | null>;
  readonly comments: Map<string, Batcher<string, Row[]>>;
}
type Resolver = GraphQLFieldResolver<Row, Context, Record<string, unknown>>;

const ORDER_COLUMNS: Readonly<Record<string, string>> = { id: 'id', createdAt: 'created_at', views: 'views' };

/** ORDER BY from an orderBy argument ([{ field: ASC|DESC }]), always ending with id for stable pages. */
function orderBySql(orderBy: unknown): string {
  const terms: string[] = [];
  for (const entry of (orderBy as Record<string, string>[] | undefined) ?? []) {
    for (const [field, direction] of Object.entries(entry)) {
      const column = ORDER_COLUMNS[field];
      if (!column || (direction !== 'ASC' && direction !== 'DESC')) throw new Error(`cannot order by ${field}`);
      terms.push(`${column} ${direction}`);
    }
  }
  terms.push('id ASC');
  return terms.join(', ');
}

async function dataRows(pool: pg.Pool, sql: string, values: unknown[]): Promise<Row[]> {
  const { rows } = await pool.query<{ data: Row }>(sql, values);
  return rows.map((row) => row.data);
}

const posts: Resolver = async (_root, args, { pool }) => {
  const values: unknown[] = [];
  const param = (value: unknown): string => `$${values.push(value)}`;
  const conditions: string[] = [];
  const where = args['where'] as { status?: Record<string, unknown>; authorId?: { eq?: unknown } } | undefined;
  const status = where?.status ?? {};
  if (status['eq'] != null) conditions.push(`status = ${param(status['eq'])}`);
  if (status['neq'] != null) conditions.push(`status <> ${param(status['neq'])}`);
  if (status['in'] != null) conditions.push(`status = ANY(${param(status['in'])}::text[])`);
  if (status['nin'] != null) conditions.push(`status <> ALL(${param(status['nin'])}::text[])`);
  if (where?.authorId?.eq != null) conditions.push(`author_id = ${param(where.authorId.eq)}::uuid`);
  const filter = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const sql = `SELECT data FROM v_post${filter} ORDER BY ${orderBySql(args['orderBy'])} LIMIT ${param(args['limit'] ?? null)} OFFSET ${param(args['offset'] ?? 0)}`;
  return dataRows(pool, sql, values);
};

const byId = (view: string): Resolver => async (_root, args, { pool }) =>
  (await dataRows(pool, `SELECT data FROM ${view} WHERE id = $1`, [args['id']]))[0] ?? null;

function usersBatcher(pool: pg.Pool): Batcher<string, Row | null> {
  return new Batcher(async (ids) => {
    const { rows } = await pool.query<{ id: string; data: Row }>('SELECT id, data FROM v_user WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.data]));
  }, null);
}

/** Comments of many posts in one query: each post's own page through LATERAL. */
function commentsBatcher(pool: pg.Pool, args: Record<string, unknown>): Batcher<string, Row[]> {
  const sql = `SELECT k.id AS parent, c.data
FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, n)
CROSS JOIN LATERAL (SELECT data, created_at, id FROM v_comment WHERE post_id = k.id
                    ORDER BY ${orderBySql(args['orderBy'])} LIMIT $2 OFFSET $3) c
ORDER BY k.n, ${orderBySql(args['orderBy']).replace(/(\w+) (ASC|DESC)/g, 'c.$1 $2')}`;
  return new Batcher(async (postIds) => {
    const { rows } = await pool.query<{ parent: string; data: Row }>(sql, [postIds, args['limit'] ?? null, args['offset'] ?? 0]);
    const byPost = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byPost.get(row.parent);
      if (list) list.push(row.data);
      else byPost.set(row.parent, [row.data]);
    }
    return byPost;
  }, []);
}

const author: Resolver = (row, _args, context) => context.users.load(row['author_id'] as string);

const comments: Resolver = (post, args, context) => {
  const key = JSON.stringify(args);
  let batcher = context.comments.get(key);
  if (!batcher) context.comments.set(key, (batcher = commentsBatcher(context.pool, args)));
  return batcher.load(post['id'] as string);
};

const resolvers: Readonly<Record<string, Readonly<Record<string, Resolver>>>> = {
  Query: { posts, post: byId('v_post'), user: byId('v_user') },
  Post: { author, comments },
  Comment: { author },
  User: { emailAddress: (user) => user['email'] },
};

/** Every other field reads the snake_case key of the parent's `data` object. */
const snakeKeys = new Map<string, string>();
const dataKey: Resolver = (source, _args, _context, info) => {
  let key = snakeKeys.get(info.fieldName);
  if (key === undefined) snakeKeys.set(info.fieldName, (key = info.fieldName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return source[key];
};

export function buildBlogSchema(): GraphQLSchema {
  const schema = buildSchema(blogSdl);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`no object type ${typeName}`);
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`no field ${typeName}.${fieldName}`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
}

export type GraphqlJsRunner = (variables: Record<string, unknown>) => Promise<ExecutionResult>;

export function graphqlJsRunner(schema: GraphQLSchema, pool: pg.Pool, source: string): GraphqlJsRunner {
  const document: DocumentNode = parse(source);
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(`graphql-js rejects the operation: ${errors.map((e) => e.message).join('; ')}`);
  return async (variables) =>
    execute({
      schema,
      document,
      variableValues: variables,
      contextValue: { pool, users: usersBatcher(pool), comments: new Map() } satisfies Context,
      fieldResolver: dataKey as GraphQLFieldResolver<unknown, unknown>,
    });
}
