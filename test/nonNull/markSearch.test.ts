// The runtime looks for the null mark ("\u0000" in the row's JSON text) without its opening quote
// (nonNull.ts MARK_SEARCH: fast on JSON, which is mostly quotes). A json value whose string ends
// with an escaped NUL holds that text too without being a mark: such a row is parsed, found clean,
// and goes out exactly as PostgreSQL wrote it, with no `errors`; a real mark still is an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type NullShape, type ResultShape, type Runtime } from '../../runtime/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { Collector } from '../runtime/writables.js';

/** `name: String!` of each thing, as the compiler would describe it. */
const thingFields: NullShape = { name: { type: '!', field: 'Thing.name', locations: [{ line: 1, column: 20 }] } };

function operation(name: string, shape: ResultShape, nulls: NullShape, text: string): CompiledOperation {
  return {
    kind: 'query',
    name,
    id: name,
    body: `query ${name} { ... }`,
    shape,
    statements: [{ name: `fraise_test_marks_${name}`, text }],
    nulls,
    marksNulls: true,
    prepare: () => ({ ok: true, statement: { name: `fraise_test_marks_${name}`, text }, values: [] }),
  };
}

// json (not jsonb) keeps `\u0000` as written; the second row is a real mark, as the SQL writes it.
const ESCAPED_NUL = `'"a\\u0000"'::json`;
const MARK = `'"\\u0000"'::json`;

const one = operation(
  'One',
  { kind: 'object', key: 'thing' },
  { thing: { type: '', field: 'Query.thing', locations: [{ line: 1, column: 13 }], fields: thingFields } },
  `SELECT json_build_object('name', ${ESCAPED_NUL})::text`,
);
const many = operation(
  'Many',
  { kind: 'list', key: 'things' },
  { things: { type: '!L', field: 'Query.things', locations: [{ line: 1, column: 14 }], fields: thingFields } },
  `SELECT json_build_object('name', v)::text FROM (VALUES (1, ${ESCAPED_NUL}), (2, ${MARK})) AS t(n, v) ORDER BY n`,
);

let db: TestDatabase;
let runtime: Runtime;

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = createRuntime({ pool: db.pool });
});
afterAll(async () => {
  await db?.drop();
});

async function streamed(op: CompiledOperation): Promise<string> {
  const out = new Collector();
  await runtime.stream(op, {}, out);
  return out.text;
}

describe('a string ending with an escaped NUL is no null mark', () => {
  it('a single row goes out as PostgreSQL wrote it, with no errors', async () => {
    expect(await streamed(one)).toBe('{"data":{"thing":{"name" : "a\\u0000"}}}');
    expect(await runtime.execute(one, {})).toEqual({ data: { thing: { name: 'a\u0000' } } });
  });

  it('in a list, that row stays as written and the real mark next to it is the error', async () => {
    const text = await streamed(many);
    expect(text).toBe(
      '{"data":{"things":[{"name" : "a\\u0000"},null]},"errors":[' +
        '{"message":"Cannot return null for non-nullable field Thing.name.","locations":[{"line":1,"column":20}],"path":["things",1,"name"]}]}',
    );
    expect(JSON.parse(text)).toEqual(await runtime.execute(many, {}));
  });
});
