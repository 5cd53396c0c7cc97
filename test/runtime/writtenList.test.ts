// Root lists with a literal limit of at most 1000 rows whose fields are all plain scalar columns
// (uuid, text, varchar, character, smallint, integer, boolean) or __typename: the statement
// returns the columns, a row per element, and the runtime writes each element's JSON
// (ResultShape `fields`, runtime/rowWriter.ts). Exact SQL; the answers through execute, stream
// (with and without a request context) and HTTP equal graphql-js over the same rows read by pg's
// own parsers, as text where nothing is an error (strings needing every JSON escape, U+2028,
// emoji, NULLs, extreme integers, padded characters); a NULL in a non-null field completes as
// before (an error at its index, propagation).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, executeSync, parse, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from '../http/support.js';
import { Collector } from './writables.js';

const here = path.join(repoRoot, 'test/runtime/written');

type ItemRow = Record<string, unknown> & { readonly qty: number; readonly id: string; readonly flag: boolean | null };

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let server: Listening;
let rows: ItemRow[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(await readFile(path.join(here, 'schema.sql'), 'utf8'));
  fixture = await compileProjectTo(db.url, 'written-list', ['test/runtime/written/schema.graphql'], ['test/runtime/written/operations.graphql']);
  runtime = createRuntime({ pool: db.pool });
  server = await listen(createHandler({ pool: db.pool, operations: fixture.operations }));
  // pg's own parsers: uuid and text as strings, int2/int4 as numbers, bool as booleans
  rows = (await db.pool.query<ItemRow>('SELECT id, name, label, code, small, qty, flag, note FROM wr.v_item')).rows;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const op = (name: string): CompiledOperation => fixture.operationsByName[name] as CompiledOperation;

/** graphql-js over the view's rows, filtered, ordered and limited as the operations ask. */
function oracle(operation: CompiledOperation, variables: Record<string, unknown> = {}): unknown {
  const schema = buildSchema(fixture.files.get('schema.graphql')!);
  const resolve: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (source, args, _ctx, info) => {
    if (info.parentType.name !== 'Query') return (source as ItemRow)[info.fieldName] ?? null;
    const where = args['where'] as { id?: { eq?: string }; flag?: { eq?: boolean | null } } | undefined;
    const order = (args['orderBy'] as Record<string, string>[] | undefined)?.[0]?.['qty'];
    let found = rows.filter((r) => (where?.id?.eq === undefined || r.id === where.id.eq) && (where?.flag?.eq === undefined || where.flag.eq === null || r.flag === where.flag.eq));
    if (order !== undefined) found = found.sort((a, b) => (order === 'DESC' ? b.qty - a.qty : a.qty - b.qty));
    return found.slice(0, args['limit'] as number | undefined);
  };
  return JSON.parse(JSON.stringify(executeSync({ schema, document: parse(operation.body), fieldResolver: resolve, variableValues: variables })));
}

/** The response text through runtime.stream. */
async function streamed(operation: CompiledOperation, variables: Record<string, unknown> = {}, context?: Record<string, unknown>): Promise<string> {
  const sink = new Collector();
  await runtime.stream(operation, variables, sink, context === undefined ? undefined : { context });
  return sink.text;
}

describe('the statement of a list the runtime writes', () => {
  it('returns the columns in selection order, the rows chosen and ordered as the aggregated list chooses them', () => {
    expect(op('Everything').shape).toEqual({
      kind: 'list',
      key: 'items',
      fields: [
        { key: '__typename', kind: 'constant', json: '"Item"' },
        { key: 'id', kind: 'string' },
        { key: 'name', kind: 'string' },
        { key: 'label', kind: 'string' },
        { key: 'code', kind: 'string' },
        { key: 'small', kind: 'number' },
        { key: 'qty', kind: 'number' },
        { key: 'flag', kind: 'boolean' },
        { key: 'kind', kind: 'constant', json: '"Item"' },
        { key: 'again', kind: 'string' },
      ],
    });
    expect(op('Everything').marksNulls).toBeUndefined();
    expect(op('Everything').statements.map((s) => s.text)).toEqual([
      `SELECT s1.c0, s1.c1, s1.c2, s1.c3, s1.c4, s1.c5, s1.c6, s1.c7 FROM (SELECT t0."id" AS c0, t0."name" AS c1, t0."label" AS c2, t0."code" AS c3, t0."small" AS c4, t0."qty" AS c5, t0."flag" AS c6, t0."name" AS c7, t0."qty" AS o0, t0."id" AS o1
FROM (SELECT t0.* FROM "wr"."v_item" t0
ORDER BY t0."qty" ASC, t0."id" ASC
LIMIT 100::integer) t0) s1
ORDER BY s1.o0 ASC, s1.o1 ASC`,
    ]);
    expect(op('Unordered').statements[0]!.text).toBe(`SELECT s1.c0 FROM (SELECT t0."id" AS c0, t0."id" AS o0
FROM (SELECT t0.* FROM "wr"."v_item" t0
ORDER BY t0."id" ASC
LIMIT 1000::integer) t0) s1
ORDER BY s1.o0 ASC`);
    expect(op('Flagged').statements[0]!.text).toBe(`SELECT s1.c0, s1.c1, s1.c2 FROM (SELECT t0."qty" AS c0, t0."flag" AS c1, t0."name" AS c2, t0."qty" AS o0, t0."id" AS o1
FROM (SELECT t0.* FROM "wr"."v_item" t0
WHERE t0."flag" = $1::boolean
ORDER BY t0."qty" DESC, t0."id" ASC
LIMIT 3::integer) t0) s1
ORDER BY s1.o0 DESC, s1.o1 ASC`);
  });

  it('a non-null field of a nullable column is marked (nonNull), and the operation completes marked nulls', () => {
    expect(op('Notes').shape).toEqual({ kind: 'list', key: 'items', fields: [{ key: 'qty', kind: 'number' }, { key: 'note', kind: 'string', nonNull: true }] });
    expect(op('Notes').marksNulls).toBe(true);
  });

  it('keeps PostgreSQL writing the JSON for other types, unbounded lists and @include/@skip variants', () => {
    expect(op('WithPrice').shape).toEqual({ kind: 'object', key: 'items' });
    expect(op('Unbounded').shape).toEqual({ kind: 'list', key: 'items' });
    expect(op('Chosen').shape).toEqual({ kind: 'object', key: 'items' });
  });
});

describe('the answers of a list the runtime writes', () => {
  it('are graphql-js over the same rows, byte for byte, through execute, stream, a request context and HTTP', async () => {
    const expected = oracle(op('Everything'));
    const items = (expected as { data: { items: Record<string, unknown>[] } }).data.items;
    expect(items).toHaveLength(7);
    // the cases the rows were made for reached the oracle
    expect(items.map((i) => i['name'])).toContain('line sep \u2028 para sep \u2029 bom \ufeff nel \u0085 nbsp \u00a0');
    expect(items.map((i) => i['code'])).toContain('ab  ');
    expect(items[0]).toEqual({ __typename: 'Item', id: 'ffffffff-ffff-4fff-bfff-ffffffffffff', name: 'quote " and backslash \\ and slash /', label: null, code: null, small: null, qty: -2147483648, flag: false, kind: 'Item', again: 'quote " and backslash \\ and slash /' });
    const text = JSON.stringify(expected);
    expect(text).toContain('controls \\u0001\\u0002\\b\\f\\n\\r\\t\\u001f\u007f end');
    expect(await runtime.execute(op('Everything'), {})).toEqual(expected);
    expect(await streamed(op('Everything'))).toBe(text);
    expect(await streamed(op('Everything'), {}, { tenant_id: 't-1' })).toBe(text);
    expect(await runtime.execute(op('Everything'), {}, { context: { tenant_id: 't-1' } })).toEqual(expected);
    const reply = await post(server.url, { query: op('Everything').body });
    expect(reply.text).toBe(text);
  });

  it('PostgreSQL\'s own JSON of the same rows (the aggregated form) is the same value', async () => {
    const { rows: [row] } = await db.pool.query<{ j: unknown }>(
      `SELECT json_agg(json_build_object('__typename', 'Item', 'id', id, 'name', name, 'label', label, 'code', code, 'small', small, 'qty', qty, 'flag', flag, 'kind', 'Item', 'again', name) ORDER BY qty) AS j FROM wr.v_item`,
    );
    expect(await runtime.execute(op('Everything'), {})).toEqual({ data: { items: row!.j } });
  });

  it('bind values choose the rows as before; an empty list is []', async () => {
    // omitted: the filter is left out (an optional part of the statement)
    for (const variables of [{ flag: true }, { flag: false }, {}]) {
      const expected = oracle(op('Flagged'), variables);
      expect((expected as { data: { items: unknown[] } }).data.items.length).toBeGreaterThan(1);
      expect(await runtime.execute(op('Flagged'), variables)).toEqual(expected);
      expect(await streamed(op('Flagged'), variables)).toBe(JSON.stringify(expected));
    }
    expect(await runtime.execute(op('NoneFound'), {})).toEqual({ data: { items: [] } });
    expect(await streamed(op('NoneFound'))).toBe('{"data":{"items":[]}}');
    expect((await post(server.url, { query: op('NoneFound').body })).text).toBe('{"data":{"items":[]}}');
    expect(await runtime.execute(op('Unordered'), {})).toEqual({ data: { items: rows.map((r) => ({ id: r.id })).sort((a, b) => (a.id < b.id ? -1 : 1)) } });
  });

  it('a NULL in a non-null field of a nullable element: that element is null, the error has its index', async () => {
    const expected = oracle(op('MaybeNotes'));
    expect(expected).toMatchObject({ errors: [{ message: 'Cannot return null for non-nullable field Item.note.', path: ['maybeItems', 4, 'note'] }] });
    expect(await runtime.execute(op('MaybeNotes'), {})).toEqual(expected);
    expect(JSON.parse(await streamed(op('MaybeNotes')))).toEqual(expected);
    expect((await post(server.url, { query: op('MaybeNotes').body })).json).toEqual(expected);
  });

  it('a NULL in a non-null field of a non-null element propagates to data', async () => {
    const expected = oracle(op('Notes'));
    expect(expected).toMatchObject({ data: null, errors: [{ path: ['items', 4, 'note'] }] });
    expect(await runtime.execute(op('Notes'), {})).toEqual(expected);
    expect(JSON.parse(await streamed(op('Notes')))).toEqual(expected);
    expect((await post(server.url, { query: op('Notes').body })).json).toEqual(expected);
  });
});
