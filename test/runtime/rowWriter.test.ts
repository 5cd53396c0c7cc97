// runtime/rowWriter.ts against PostgreSQL's own JSON of the same values: every ASCII character and
// the code points JSON writers disagree on, alone and in a string, booleans and integers, SQL NULL
// in nullable and non-null positions, constants; the element text equals json_build_object's
// value (compared parsed: PostgreSQL writes " : " between keys and values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NULL_MARK_TEXT } from '../../runtime/nonNull.js';
import { jsonOfText, rowWriterOf } from '../../runtime/rowWriter.js';
import type { RowField } from '../../runtime/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const SPECIAL = ['\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\uffff', '\u{1F600}', '\u{10348}', '漢'];

describe('jsonOfText', () => {
  it('quotes a string exactly as PostgreSQL writes it, character by character', async () => {
    const texts = [...Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)), ...SPECIAL, `a"b\\c/d\u0001\u001f\u007fe${SPECIAL.join('')}`];
    const { rows } = await db.pool.query<{ j: string }>('SELECT to_json(t)::text AS j FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i', [texts]);
    expect(rows.map((r) => r.j)).toEqual(texts.map((t) => jsonOfText('string', t)));
  });

  it('writes int2, int4 and boolean text output as PostgreSQL writes their JSON', async () => {
    const { rows } = await db.pool.query<{ t: string; j: string }>(
      `SELECT v::text AS t, to_json(v)::text AS j FROM unnest(ARRAY[-2147483648, -1, 0, 7, 2147483647]::int4[]) v
       UNION ALL SELECT v::text, to_json(v)::text FROM unnest(ARRAY[-32768, 32767]::int2[]) v`,
    );
    for (const r of rows) expect(jsonOfText('number', r.t)).toBe(r.j);
    // booleans' text output on the wire (what the cursor sees) is t/f, not the cast's true/false
    const raw = { getTypeParser: () => (value: string) => value };
    const { rows: bools } = await db.pool.query<string[]>({ text: 'SELECT true, false, to_json(true)::text, to_json(false)::text', rowMode: 'array', types: raw } as never);
    const [t, f, jt, jf] = bools[0]!;
    expect([t, f]).toEqual(['t', 'f']);
    expect([jsonOfText('boolean', t!), jsonOfText('boolean', f!)]).toEqual([jt, jf]);
  });
});

describe('rowWriterOf', () => {
  const fields: RowField[] = [
    { key: '__typename', kind: 'constant', json: '"Item"' },
    { key: 'id', kind: 'string' },
    { key: 'n', kind: 'number' },
    { key: 'a"key', kind: 'boolean' },
    { key: 'note', kind: 'string', nonNull: true },
    { key: 'last', kind: 'constant', json: '"Item"' },
  ];

  it('writes the element in field order, constants in place, NULL as null or the null mark', () => {
    const write = rowWriterOf(fields);
    expect(write(['x', '-3', 't', 'n'])).toBe('{"__typename":"Item","id":"x","n":-3,"a\\"key":true,"note":"n","last":"Item"}');
    expect(write([null, null, 'f', null])).toBe(`{"__typename":"Item","id":null,"n":null,"a\\"key":false,"note":${NULL_MARK_TEXT},"last":"Item"}`);
    // built once per shape
    expect(rowWriterOf(fields)).toBe(write);
  });

  it('is the value json_build_object makes of the same row', async () => {
    const { rows } = await db.pool.query<{ j: unknown }>(`SELECT json_build_object('__typename', 'Item', 'id', 'x', 'n', -3, 'a"key', true, 'note', 'n', 'last', 'Item') AS j`);
    expect(JSON.parse(rowWriterOf(fields)(['x', '-3', 't', 'n']))).toEqual(rows[0]!.j);
  });
});
