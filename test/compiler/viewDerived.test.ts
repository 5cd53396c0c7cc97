// Which `data` keys can be computed from a view's own columns (viewDerived.ts), from views created
// in a real database and introspected as the compiler does (readMetadata: definition and calls);
// and that the computed jsonb is exactly `data->'key'`, row by row over edge values, whatever the
// session's search_path.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../compiler/index.js';
import type { DatabaseMetadata, RelationInfo } from '../../compiler/metadata/types.js';
import { loadViewParser } from '../../compiler/metadata/viewAst.js';
import { derivedKeys } from '../../compiler/metadata/viewDerived.js';
import { raw, renderText } from '../../compiler/sql/builder.js';
import { derivedValue } from '../../compiler/sql/emitter.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let client: pg.Client;
let metadata: DatabaseMetadata;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await loadViewParser();
  await client.query(`
    CREATE SCHEMA d;
    CREATE TABLE d.t_item (pk bigint PRIMARY KEY, name text, price numeric, ratio double precision, real_ratio real, seen timestamptz,
                           at timestamp, day date, n int, big bigint, ok boolean, code varchar(8), fk bigint);
    CREATE TABLE d.t_owner (pk bigint PRIMARY KEY, label text);
    CREATE FUNCTION d.iso(ts timestamptz) RETURNS text LANGUAGE sql STABLE AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
    CREATE FUNCTION d.noisy(x int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT x $$;
    CREATE VIEW d.v_item AS
      SELECT i.pk, i.name, i.price, i.ratio, i.real_ratio, i.seen, i.at, i.day, i.n, i.big, i.ok, o.label,
             jsonb_build_object(
               'iso', d.iso(i.seen), 'seen', i.seen, 'at', i.at, 'day', i.day, 'price', i.price, 'ratio', i.ratio,
               'real_ratio', i.real_ratio, 'double_price', i.price * 2, 'big_n', i.n >= 1000, 'shout', upper(i.name),
               'both', i.ok AND i.n > 0, 'none', i.name IS NULL, 'fallback', COALESCE(i.name, 'é ✓ "q"'::text),
               'neg', - i.n, 'half', i.ratio / 2.5, 'owner', o.label || '!',
               'owner_upper', upper(o.label),
               'code', i.code, 'big', i.big + 1, 'flags', jsonb_build_object('ok', i.ok),
               'sub', (SELECT count(*) FROM d.t_owner),
               'not_column', upper(i.code), 'cast', i.n::text, 'constant', 1, 'set', generate_series(i.pk, i.pk),
               'later', i.seen > '2024-01-01'::timestamptz, 'dated', i.day = '2024-02-29'::date) AS data
      FROM d.t_item i LEFT JOIN d.t_owner o ON o.pk = i.fk;
    CREATE VIEW d.v_volatile AS
      SELECT i.pk, i.n, jsonb_build_object('pk', i.pk, 'noisy', d.noisy(i.n)) AS data FROM d.t_item i;
    CREATE VIEW d.v_random AS
      SELECT i.pk, jsonb_build_object('pk', i.pk, 'random', random() > 2) AS data FROM d.t_item i;
    CREATE VIEW d.v_grouped AS
      SELECT i.n, jsonb_build_object('n', i.n, 'count', count(*), 'many', count(*) > 1) AS data FROM d.t_item i GROUP BY i.n;
    INSERT INTO d.t_owner VALUES (1, 'Zoë ☕'), (2, NULL);
    INSERT INTO d.t_item VALUES
      (1, 'plain', 1.50, 0.1, 0.1, '2024-01-01T01:02:03.456789Z', '2024-02-29 23:59:59.999999', '2024-02-29', 1000, 9007199254740993, true, 'ab', 1),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, 'ünïcödé "quoted" \\ back\nline 𝄞', -0.000000000000000000001, 1e300, 3.4e38, '1999-12-31T23:59:59Z', '0001-01-01 00:00:00', '0001-01-01', -5, -9223372036854775807, false, 'x', 2),
      (4, '', 12345678901234567890.123456789, 'NaN', '-Infinity', 'infinity', '-infinity', 'infinity', 0, 0, true, '', 99),
      (5, 'e', 1e-20, -0.0, 1.17549435e-38, '2024-06-30T12:00:00+05:30', '2024-06-30 12:00:00', '2024-06-30', 1, 1, true, 'e', NULL);
  `);
  metadata = await readMetadata(db.url);
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

function relation(name: string): RelationInfo {
  return metadata.relations.find((r) => r.schema === 'd' && r.name === name)!;
}

function computed(view: string): Record<string, string> {
  return Object.fromEntries([...derivedKeys(relation(view), metadata.searchPath)].map(([k, d]) => [k, renderText(derivedValue(d, raw('t')))]));
}

describe('derivedKeys', () => {
  it('computes keys made of the view\'s columns, constants and calls it makes of non-volatile functions and operators, schema-qualified', () => {
    expect(computed('v_item')).toEqual({
      iso: 'to_jsonb("d"."iso"(t."seen"))',
      seen: 'to_jsonb(t."seen")',
      at: 'to_jsonb(t."at")',
      day: 'to_jsonb(t."day")',
      price: 'to_jsonb(t."price")',
      ratio: 'to_jsonb(t."ratio")',
      real_ratio: 'to_jsonb(t."real_ratio")',
      // PostgreSQL prints `i.price * 2::numeric`: the constant's cast comes from the definition.
      double_price: 'to_jsonb((t."price" OPERATOR("pg_catalog".*) CAST((2) AS pg_catalog."numeric")))',
      big_n: 'to_jsonb((t."n" OPERATOR("pg_catalog".>=) (1000)))',
      shout: 'to_jsonb("pg_catalog"."upper"(t."name"))',
      both: 'to_jsonb((t."ok" AND (t."n" OPERATOR("pg_catalog".>) (0))))',
      none: 'to_jsonb((t."name" IS NULL))',
      fallback: 'to_jsonb(COALESCE(t."name", CAST(\'é ✓ "q"\' AS pg_catalog."text")))',
      neg: 'to_jsonb(( OPERATOR("pg_catalog".-) t."n"))',
      flags: 'to_jsonb("pg_catalog"."jsonb_build_object"(\'ok\', t."ok"))',
      owner: 'to_jsonb((t."label" OPERATOR("pg_catalog".||) CAST(\'!\' AS pg_catalog."text")))',
      owner_upper: 'to_jsonb("pg_catalog"."upper"(t."label"))',
      big: 'to_jsonb((t."big" OPERATOR("pg_catalog".+) (1)))',
    });
  });

  it('computes nothing from a float, date or timestamp constant, printed in the introspecting session\'s formats', () => {
    // `half` is i.ratio / 2.5::double precision; `later` and `dated` compare with a timestamptz and a date.
    expect(Object.keys(computed('v_item')).filter((k) => ['half', 'later', 'dated'].includes(k))).toEqual([]);
  });

  it('computes nothing in a view that calls a volatile function anywhere (an implicit cast may call one unnamed)', () => {
    expect(relation('v_volatile').calls).toContainEqual({ kind: 'function', schema: 'd', name: 'noisy', volatility: 'volatile' });
    expect(computed('v_volatile')).toEqual({});
    expect(computed('v_random')).toEqual({});
  });

  it('computes nothing from an aggregate; a grouped column is still the column', () => {
    // count(*) is special; `count(*) > 1` holds an aggregate too.
    expect(computed('v_grouped')).toEqual({ n: 'to_jsonb(t."n")' });
  });

  it('computes nothing without the calls of the stored rule (a snapshot of an older version)', () => {
    const { calls: _calls, ...old } = relation('v_item');
    expect(derivedKeys(old, metadata.searchPath).size).toBe(0);
  });

  it('treats an unqualified type name as pg_catalog\'s only when pg_catalog is searched first', () => {
    const keys = (path: string[]): string[] => [...derivedKeys({ ...relation('v_item') }, path).keys()];
    expect(keys(['public', 'pg_catalog'])).not.toContain('fallback');
    expect(keys(['pg_catalog', 'public'])).toContain('fallback');
  });
});

describe('a computed key', () => {
  const compare = async (searchPath: string): Promise<void> => {
    const keys = computed('v_item');
    const select = Object.entries(keys).map(([k, expression], i) => `(t.data->'${k}')::text AS a${i}, (${expression})::text AS b${i}`);
    await client.query(`SET search_path = ${searchPath}`);
    const { rows } = await client.query<Record<string, string | null>>(`SELECT ${select.join(', ')} FROM d.v_item t ORDER BY t.pk`);
    await client.query('RESET search_path');
    expect(rows).toHaveLength(5);
    let nulls = 0;
    for (const row of rows) {
      Object.keys(keys).forEach((key, i) => {
        // data->'key' of a SQL NULL is JSON null; to_jsonb(NULL) is SQL NULL: both print `null` in the response.
        const expected = row[`a${i}`] === 'null' ? null : row[`a${i}`];
        if (expected === null) nulls++;
        expect({ key, value: row[`b${i}`] }).toEqual({ key, value: expected });
      });
    }
    expect(nulls).toBeGreaterThan(10);
  };

  it('is the jsonb data holds, over NULLs, unicode, numerics, floats, timestamps and booleans', async () => {
    await compare('public');
    // The texts the comparison is about, from PostgreSQL's own jsonb of data.
    const { rows } = await client.query<{ v: string }>(`SELECT (data->'price')::text || ' ' || (data->'ratio')::text || ' ' || (data->'seen')::text AS v FROM d.v_item ORDER BY pk`);
    expect(rows.map((r) => r.v)).toEqual([
      '1.50 0.1 "2024-01-01T01:02:03.456789+00:00"',
      'null null null',
      // jsonb holds a float as numeric: 1e300 prints every digit, -0 prints 0.
      `-0.000000000000000000001 1${'0'.repeat(300)} "1999-12-31T23:59:59+00:00"`,
      '12345678901234567890.123456789 "NaN" "infinity"',
      '0.00000000000000000001 0 "2024-06-30T06:30:00+00:00"',
    ]);
  });

  it('reads the same whatever the session\'s search_path', async () => {
    // Same-signature shadows in a schema searched before pg_catalog: the computed SQL names its schemas.
    await client.query(`
      CREATE SCHEMA evil;
      CREATE FUNCTION evil.upper(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'EVIL' $$;
      CREATE FUNCTION evil.iso(timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'EVIL' $$;
      CREATE FUNCTION evil.ge(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
      CREATE OPERATOR evil.>= (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.ge);
    `);
    await compare('evil, pg_catalog, d');
  });
});
