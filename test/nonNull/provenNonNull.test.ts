// Null marks left out where the catalogue proves a value non-null, kept everywhere else, and the
// `id` tie-breaker left out after a unique order key: the exact SQL, and the answers against a real
// database next to graphql-js over the same rows (a NULL in a nullable column or a JSON null in a
// NOT NULL jsonb column under a non-null field is still the specification's error).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, executeSync, parse, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const here = path.join(repoRoot, 'test/nonNull/proven');

interface ItemRow {
  readonly id: string;
  readonly code: string;
  readonly team_name: string | null;
  readonly data: Record<string, unknown>;
}

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let rows: ItemRow[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`${await readFile(path.join(here, 'schema.sql'), 'utf8')}; RESET search_path`);
  fixture = await compileProjectTo(db.url, 'proven-non-null', ['test/nonNull/proven/schema.graphql'], ['test/nonNull/proven/operations.graphql']);
  runtime = createRuntime({ pool: db.pool });
  rows = (await db.pool.query<ItemRow>('SELECT * FROM pv.v_item')).rows;
});
afterAll(() => db?.drop());

/** graphql-js over the view's rows: teamName reads the column, every other field its data key. */
function oracle(op: CompiledOperation, variables: Record<string, unknown>): unknown {
  const schema = buildSchema(fixture.files.get('schema.graphql')!);
  const resolve: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (source, args, _ctx, info) => {
    if (info.parentType.name === 'Query') {
      if (info.fieldName === 'item') return rows.find((r) => r.id === args['id']) ?? null;
      const where = args['where'] as { id?: { in?: string[] } } | undefined;
      const order = (args['orderBy'] as Record<string, 'ASC' | 'DESC'>[])[0]!;
      const [field, direction] = Object.entries(order)[0]!;
      const value = (r: ItemRow): string | number => (field === 'code' ? r.code : (r.data[field] as number));
      const sorted = rows
        .filter((r) => where?.id?.in === undefined || where.id.in.includes(r.id))
        .sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id < b.id ? -1 : 1) * (direction === 'DESC' ? -1 : 1));
      return sorted.slice(0, (args['limit'] as number | undefined) ?? sorted.length);
    }
    const row = source as ItemRow;
    return info.fieldName === 'teamName' ? row.team_name : (row.data[info.fieldName] ?? null);
  };
  return JSON.parse(JSON.stringify(executeSync({ schema, document: parse(op.body), variableValues: variables, fieldResolver: resolve })));
}

const op = (name: string): CompiledOperation => fixture.operationsByName[name] as CompiledOperation;
const sql = (name: string): string => op(name).statements[0]!.text;

describe('proven non-null: no mark', () => {
  it('NOT NULL columns through the view, and a data key built from one: the SQL reads them as they are', () => {
    // id: column (i.id NOT NULL); code: the data key proven equal to the column; qty: a data key built
    // from a NOT NULL integer column. code is unique (UNIQUE, the LEFT JOIN is on team's primary key):
    // no `id` tie-breaker.
    expect(sql('Proven')).toBe(
      `SELECT json_build_object('id', t0."id", 'code', t0."code", 'qty', t0."data"->'qty')::text\n` +
        `FROM "pv"."v_item" t0\n` +
        `ORDER BY t0."code" ASC`,
    );
    expect(sql('Proven')).not.toContain('coalesce(to_json');
    expect(op('Proven').marksNulls).toBeUndefined();
  });

  it('answers as graphql-js does', async () => {
    const expected = oracle(op('Proven'), {});
    expect(expected).toEqual({
      data: {
        items: [
          { id: 'i3', code: 'c-a', qty: 30 },
          { id: 'i1', code: 'c-b', qty: 10 },
          { id: 'i4', code: 'c-c', qty: 40 },
          { id: 'i2', code: 'c-d', qty: 20 },
        ],
      },
    });
    expect(await runtime.execute(op('Proven'), {})).toEqual(expected);
  });
});

describe('not proven: marked, and a null is the specification error', () => {
  it('a nullable column, a NOT NULL jsonb key (JSON null fits), a key and a column from the outer join', () => {
    const text = sql('Unproven');
    expect(text).toContain(`'id', t0."id",`);
    expect(text).toContain(`'label', coalesce(to_json(t0."label"), '"\\u0000"'::json)`);
    expect(text).toContain(`'note', coalesce(NULLIF(t0."data"->'note', 'null'::jsonb)::json, '"\\u0000"'::json)`);
    // data->'team' is proven to be the column team_name (the same t.name), so it reads that
    expect(text).toContain(`'team', coalesce(to_json(t0."team_name"), '"\\u0000"'::json)`);
    expect(text).toContain(`'teamName', coalesce(to_json(t0."team_name"), '"\\u0000"'::json)`);
    expect(op('Unproven').marksNulls).toBe(true);
  });

  for (const [id, field] of [['i2', 'label'], ['i3', 'note'], ['i4', 'team']] as const) {
    it(`${id}: ${field} is null`, async () => {
      const expected = oracle(op('Unproven'), { id });
      expect(expected).toMatchObject({ data: { item: null }, errors: [{ message: `Cannot return null for non-nullable field Item.${field}.`, path: ['item', field] }] });
      expect(await runtime.execute(op('Unproven'), { id })).toEqual(expected);
    });
  }

  it('i1 keeps every promise', async () => {
    const expected = { data: { item: { id: 'i1', label: 'first', note: 'n1', team: 'Red', teamName: 'Red' } } };
    expect(oracle(op('Unproven'), { id: 'i1' })).toEqual(expected);
    expect(await runtime.execute(op('Unproven'), { id: 'i1' })).toEqual(expected);
  });

  it('a null in a list element propagates to data', async () => {
    const expected = oracle(op('RankedLabels'), {});
    expect(expected).toMatchObject({ data: null, errors: [{ path: ['items', 0, 'label'] }] });
    expect(await runtime.execute(op('RankedLabels'), {})).toEqual(expected);
  });
});

describe('order keys', () => {
  it('a key that is not unique keeps the tie-breaker', async () => {
    expect(sql('Ranked')).toContain(`ORDER BY (t0."data"->>'qty')::integer ASC, t0."id" ASC\nLIMIT 3::integer`);
    expect(sql('RankedLabels')).toMatch(/ORDER BY t0."code" DESC$/);
    const expected = oracle(op('Ranked'), {});
    expect(expected).toEqual({ data: { items: [{ id: 'i1', qty: 10 }, { id: 'i2', qty: 20 }, { id: 'i3', qty: 30 }] } });
    expect(await runtime.execute(op('Ranked'), {})).toEqual(expected);
  });
});
