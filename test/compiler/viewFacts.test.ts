// What the catalogue and view definitions prove (NOT NULL columns, never-null data keys, unique
// columns), from relations created in a real database and read back as the compiler reads them
// (readMetadata: pg_attribute, pg_index, pg_get_viewdef), each case next to the one it must not
// confuse it with.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../compiler/metadata/readMetadata.js';
import { indexMetadata } from '../../compiler/metadata/resolve.js';
import type { DatabaseMetadata } from '../../compiler/metadata/types.js';
import { loadViewParser } from '../../compiler/metadata/viewAst.js';
import { relationFacts } from '../../compiler/metadata/viewFacts.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let metadata: DatabaseMetadata;
let pg18: boolean;

beforeAll(async () => {
  db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    pg18 = (await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)).rows[0]!.v >= 180000;
    await client.query(`
      CREATE SCHEMA vf;
      SET search_path TO vf;
      CREATE DOMAIN short_text AS text;
      CREATE TABLE owner (pk bigint PRIMARY KEY, id uuid NOT NULL UNIQUE, name text NOT NULL, nick text);
      CREATE TABLE item (
        pk bigint PRIMARY KEY,
        id uuid NOT NULL,
        code text NOT NULL,
        serial text NOT NULL,
        pair_a int NOT NULL, pair_b int NOT NULL,
        later text NOT NULL,
        lower_code text NOT NULL,
        fk_owner bigint NOT NULL REFERENCES owner (pk),
        fk_other bigint REFERENCES owner (pk),
        label text,
        qty int NOT NULL,
        note jsonb NOT NULL,
        tagline short_text NOT NULL,
        seen timestamptz NOT NULL,
        CONSTRAINT item_id_key UNIQUE (id),
        CONSTRAINT item_serial_key UNIQUE (serial) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT item_pair_key UNIQUE (pair_a, pair_b)
      );
      CREATE UNIQUE INDEX item_code_active ON item (code) WHERE qty > 0;
      CREATE UNIQUE INDEX item_lower_code ON item (lower(lower_code));
      CREATE TABLE parent (pk bigint PRIMARY KEY, v text NOT NULL);
      CREATE TABLE child () INHERITS (parent);
      CREATE FUNCTION vf.many(n int) RETURNS SETOF int LANGUAGE sql AS 'SELECT generate_series(1, n)';
      CREATE FUNCTION vf.one(n int) RETURNS int LANGUAGE sql AS 'SELECT n';

      -- inner join on the owner's primary key: item rows kept, owner columns never null
      CREATE VIEW v_inner AS
        SELECT i.id, i.code, i.label, o.id AS owner_id, o.nick, i.pk, vf.one(i.qty) AS one,
               jsonb_build_object('id', i.id, 'code', i.code, 'label', i.label, 'qty', i.qty, 'note', i.note,
                                  'tagline', i.tagline, 'seen', i.seen, 'owner', o.name, 'nick', o.nick,
                                  'nested', jsonb_build_object('qty', i.qty), 'computed', upper(i.code),
                                  'twice', i.qty, 'twice', i.label) AS data
        FROM item i JOIN owner o ON o.pk = i.fk_owner;
      -- the left join's right side may be null-extended; its left side is not
      CREATE VIEW v_left AS
        SELECT i.id, i.qty, o.id AS other_id, o.name AS other_name,
               jsonb_build_object('qty', i.qty, 'other', o.name) AS data
        FROM item i LEFT JOIN owner o ON o.pk = i.fk_other;
      CREATE VIEW v_right AS SELECT i.id, o.id AS owner_id FROM item i RIGHT JOIN owner o ON o.pk = i.fk_owner;
      CREATE VIEW v_full AS SELECT i.id, o.id AS owner_id FROM item i FULL JOIN owner o ON o.pk = i.fk_owner;
      -- one owner per item row repeated for each of its items: owner ids repeat
      CREATE VIEW v_fanout AS SELECT o.id, o.name FROM owner o JOIN item i ON i.fk_owner = o.pk;
      -- through another view
      CREATE VIEW v_nested AS SELECT v.id, v.owner_id, v.label FROM v_inner v;
      CREATE VIEW v_single AS SELECT id, code FROM item;
      CREATE VIEW v_subquery AS SELECT s.id FROM (SELECT id FROM item) s;
      CREATE VIEW v_cte AS WITH item AS (SELECT NULL::uuid AS id) SELECT item.id FROM item;
      CREATE VIEW v_grouped AS SELECT i.id, count(*) AS n FROM item i GROUP BY i.id;
      CREATE VIEW v_srf AS SELECT i.id, generate_series(1, 2) AS n FROM item i;
      CREATE VIEW v_user_srf AS SELECT i.id, vf.many(2) AS n FROM item i;
      CREATE VIEW v_other_keys AS SELECT i.serial, i.pair_a, i.code, i.lower_code FROM item i;
      CREATE VIEW v_inherited AS SELECT p.pk, p.v FROM parent p;
      CREATE VIEW v_union AS SELECT i.id FROM item i UNION ALL SELECT i.id FROM item i;
      CREATE VIEW v_computed_key AS
        SELECT i.id, jsonb_build_object(i.code, i.qty, 'qty', i.qty) AS data FROM item i;
    `);
    if (pg18) await client.query(`CREATE TABLE vf.late (pk bigint PRIMARY KEY, v text); ALTER TABLE vf.late ADD CONSTRAINT late_v_not_null NOT NULL v NOT VALID`);
    else await client.query(`CREATE TABLE vf.late (pk bigint PRIMARY KEY, v text)`);
  } finally {
    await client.end();
  }
  await loadViewParser();
  metadata = await readMetadata(db.url);
});
afterAll(() => db?.drop());

function facts(name: string): { nonNull: string[]; unique: string[]; keys: string[] } {
  const relation = metadata.relations.find((r) => r.schema === 'vf' && r.name === name);
  if (!relation) throw new Error(`no relation vf.${name}`);
  const f = relationFacts(indexMetadata(metadata), relation);
  return { nonNull: [...f.nonNullColumns].sort(), unique: [...f.uniqueColumns].sort(), keys: [...f.nonNullKeys].sort() };
}

describe('tables (the catalogue)', () => {
  it('NOT NULL columns; unique: single-column, valid, immediate, unconditional unique indexes only', () => {
    expect(facts('item')).toEqual({
      nonNull: ['code', 'fk_owner', 'id', 'later', 'lower_code', 'note', 'pair_a', 'pair_b', 'pk', 'qty', 'seen', 'serial', 'tagline'],
      // not serial (deferrable), not pair_a (two columns), not code (partial), not lower_code (an expression)
      unique: ['id', 'pk'],
      keys: [],
    });
  });

  it('a table with inheritance children proves nothing (its constraints do not cover them before PostgreSQL 18)', () => {
    expect(facts('parent')).toEqual({ nonNull: [], unique: [], keys: [] });
    expect(facts('child').nonNull).toEqual(['pk', 'v']);
  });

  it('a NOT NULL ... NOT VALID constraint proves nothing (PostgreSQL 18; before it, the column is plainly nullable)', async () => {
    // On 18 attnotnull is set all the same: only the constraint's convalidated tells.
    const { rows } = await db.pool.query<{ attnotnull: boolean }>(`SELECT attnotnull FROM pg_attribute WHERE attrelid = 'vf.late'::regclass AND attname = 'v'`);
    expect(rows[0]!.attnotnull).toBe(pg18);
    expect(metadata.relations.find((r) => r.name === 'late')!.columns.find((c) => c.name === 'v')).toEqual({ name: 'v', type: 'text' });
    expect(facts('late').nonNull).toEqual(['pk']);
  });
});

describe('views (the definition, pg_get_viewdef, parsed)', () => {
  it('inner join on a unique key: columns, keys and uniqueness carry through', () => {
    expect(facts('v_inner')).toEqual({
      nonNull: ['code', 'id', 'owner_id', 'pk'],
      // not owner_id: each owner row meets every item of its own
      unique: ['id', 'pk'],
      // not label/nick (nullable), note (a NOT NULL jsonb may hold JSON null), tagline (a domain),
      // computed (a function), twice (its last value is the nullable label); nested is an object
      keys: ['code', 'id', 'nested', 'owner', 'qty', 'seen'],
    });
  });

  it('plain columns read a stored column as it is (an outer join may null them; a function or data is computed)', () => {
    const plain = (name: string): string[] => {
      const relation = metadata.relations.find((r) => r.schema === 'vf' && r.name === name)!;
      return [...relationFacts(indexMetadata(metadata), relation).plainColumns].sort();
    };
    expect(plain('v_inner')).toEqual(['code', 'id', 'label', 'nick', 'owner_id', 'pk']);
    expect(plain('v_left')).toEqual(['id', 'other_id', 'other_name', 'qty']);
    expect(plain('v_nested')).toEqual(['id', 'label', 'owner_id']);
    expect(plain('v_srf')).toEqual(['id']);
    expect(plain('v_subquery')).toEqual([]);
    expect(plain('owner')).toEqual(['id', 'name', 'nick', 'pk']);
  });

  it('outer joins: the null-extended side proves nothing, the kept side keeps its rows', () => {
    expect(facts('v_left')).toEqual({ nonNull: ['id', 'qty'], unique: ['id'], keys: ['qty'] });
    expect(facts('v_right')).toEqual({ nonNull: ['owner_id'], unique: [], keys: [] });
    expect(facts('v_full')).toEqual({ nonNull: [], unique: [], keys: [] });
  });

  it('a join that repeats rows keeps NOT NULL but not uniqueness', () => {
    expect(facts('v_fanout')).toEqual({ nonNull: ['id', 'name'], unique: [], keys: [] });
  });

  it('through another view, and with unqualified column names', () => {
    expect(facts('v_nested')).toEqual({ nonNull: ['id', 'owner_id'], unique: ['id'], keys: [] });
    expect(facts('v_single')).toEqual({ nonNull: ['code', 'id'], unique: ['id'], keys: [] });
  });

  it('proves nothing through a subquery, a WITH, GROUP BY or a UNION', () => {
    for (const view of ['v_subquery', 'v_cte', 'v_grouped', 'v_union']) expect(facts(view)).toEqual({ nonNull: [], unique: [], keys: [] });
  });

  it('a set-returning function in the select list repeats rows: NOT NULL stays, uniqueness goes', () => {
    expect(facts('v_srf')).toEqual({ nonNull: ['id'], unique: [], keys: [] });
    expect(facts('v_user_srf')).toEqual({ nonNull: ['id'], unique: [], keys: [] });
  });

  it('deferrable, multi-column, partial and expression unique indexes do not make a view column unique', () => {
    expect(facts('v_other_keys')).toEqual({ nonNull: ['code', 'lower_code', 'pair_a', 'serial'], unique: [], keys: [] });
  });

  it('a computed data key could be any key: no key is proven', () => {
    expect(facts('v_computed_key').keys).toEqual([]);
  });

  it('a table with inheritance children, read through a view, proves nothing', () => {
    expect(facts('v_inherited')).toEqual({ nonNull: [], unique: [], keys: [] });
  });
});
