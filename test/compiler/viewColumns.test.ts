// Which `data` keys a view's columns provably hold, from definitions PostgreSQL itself prints
// (pg_get_viewdef of views created in a real database), parsed with libpg-query.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadViewParser } from '../../compiler/metadata/viewAst.js';
import { dataKeyColumns } from '../../compiler/metadata/viewColumns.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await loadViewParser();
  await client.query(`
    CREATE TABLE t_item (pk bigint PRIMARY KEY, id uuid NOT NULL, name text, price numeric, seen timestamptz, n int, ok boolean, code varchar(8));
    CREATE TABLE t_owner (pk bigint PRIMARY KEY, id uuid NOT NULL);
    ALTER TABLE t_item ADD COLUMN fk_owner bigint REFERENCES t_owner (pk);
    CREATE VIEW v_plain AS
      SELECT i.id, o.id AS owner_id, i.name, i.price, i.seen, i.n, i.ok, i.code,
             jsonb_build_object('id', i.id, 'owner_id', o.id, 'label', i.name, 'price', i.price, 'seen', i.seen,
                                'n', i.n, 'ok', i.ok, 'code', i.code, 'upper', upper(i.name), 'name', i.name) AS data
      FROM t_item i JOIN t_owner o ON o.pk = i.fk_owner;
    CREATE VIEW v_repeated AS
      SELECT i.id, i.name, jsonb_build_object('id', i.id, 'name', i.name, 'name', upper(i.name), 'id', i.id) AS data FROM t_item i;
    CREATE VIEW v_union AS
      SELECT i.id, jsonb_build_object('id', i.id) AS data FROM t_item i
      UNION ALL SELECT o.id, jsonb_build_object('id', o.id) FROM t_owner o;
    CREATE VIEW v_concat AS
      SELECT i.id, jsonb_build_object('id', i.id) || jsonb_build_object('name', i.name) AS data FROM t_item i;
    CREATE VIEW v_other_id AS
      SELECT o.id, jsonb_build_object('id', i.id) AS data FROM t_item i JOIN t_owner o ON o.pk = i.fk_owner;
  `);
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function proven(view: string): Promise<Record<string, string>> {
  const definition = (await client.query<{ d: string }>(`SELECT pg_get_viewdef($1::regclass, true) AS d`, [view])).rows[0]!.d;
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0`,
    [view],
  );
  return Object.fromEntries(dataKeyColumns(definition, new Map(columns.rows.map((c) => [c.name, c.type]))));
}

describe('dataKeyColumns', () => {
  it('maps keys built from the same column reference as a view column, renamed ones included', async () => {
    // price (numeric) and seen (timestamptz) may print differently through jsonb; upper() is computed.
    expect(await proven('v_plain')).toEqual({ id: 'id', owner_id: 'owner_id', label: 'name', n: 'n', ok: 'ok', code: 'code', name: 'name' });
  });

  it('follows jsonb_build_object: the last value of a repeated key wins', async () => {
    expect(await proven('v_repeated')).toEqual({ id: 'id' });
  });

  it('proves nothing for a UNION, a data that is not one jsonb_build_object, or another relation’s id', async () => {
    expect(await proven('v_union')).toEqual({});
    expect(await proven('v_concat')).toEqual({});
    expect(await proven('v_other_id')).toEqual({});
  });

  it('proves nothing without a definition or from text the parser rejects', () => {
    expect(dataKeyColumns(undefined, new Map([['id', 'uuid']])).size).toBe(0);
    expect(dataKeyColumns('SELECT id, jsonb_build_object(', new Map([['id', 'uuid']])).size).toBe(0);
  });
});
