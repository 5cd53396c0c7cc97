// Hostile values are matched literally or refused with a clear error, and never reach SQL text:
// quotes, backslashes, LIKE wildcards, NUL bytes, huge strings, unicode, placeholder look-alikes,
// and hostile keys in whole-variable filters.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic } from '../../compiler/index.js';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createFixtureTables, loadRows, uuid, type ItemRow } from './itemData.js';

const HOSTILE = [
  "'; DROP TABLE tb_item; --",
  "O''Brien",
  'back\\slash\\',
  '\\x27',
  '100%',
  '%',
  '_',
  'a_c',
  '$1',
  '$$ quoted $$',
  "E'\\n'",
  '"double"',
  '🍓 emoji',
  'e\u0301 combining',
  'עברית rtl',
  'line\u2028separator',
  'x'.repeat(1_000_000),
];

const items: ItemRow[] = HOSTILE.map((value, i) => {
  const id = uuid('00000000', i + 1);
  return { id, code: value, qty: i, data: { id, name: value } };
});
// A row whose text merely looks like what a broken escape would match.
items.push({ id: uuid('00000000', 99), code: 'abc', qty: 99, data: { id: uuid('00000000', 99), name: '1000 percent' } });

let db: TestDatabase;
let pool: pg.Pool;
let runtime: Runtime;
let ops: Readonly<Record<string, CompiledOperation>>;

beforeAll(async () => {
  db = await createTestDatabase();
  await createFixtureTables(db.pool);
  await loadRows(db.pool, { items, parts: [] });
  const srcDir = path.join(repoRoot, 'test/.generated/filters-injection-src');
  await rm(srcDir, { recursive: true, force: true });
  await mkdir(srcDir, { recursive: true });
  await writeFile(
    path.join(srcDir, 'ops.graphql'),
    [
      'query Whole($where: ItemWhere) { items(where: $where) { id } }',
      'query CodeEq($v: String) { items(where: { code: { eq: $v } }) { id } }',
      'query NameEq($v: String) { items(where: { name: { eq: $v } }) { id } }',
      'query NameContains($v: String) { items(where: { name: { contains: $v } }) { id } }',
      'query CodeMatches($v: String) { items(where: { code: { matches: $v } }) { id } }',
      `query LiteralQuote { items(where: { code: { eq: "'; DROP TABLE tb_item; --" }, name: { startswith: "'; DROP" } }) { id } }`,
      'query LiteralPercent { items(where: { name: { contains: "100%" } }) { id } }',
    ].join('\n'),
  );
  ops = (await compileProjectTo(db.url, 'filters-injection', ['test/filters/schema.graphql'], ['test/.generated/filters-injection-src/*.graphql'])).operationsByName;
  // One connection, so that every statement this file prepares is visible in pg_prepared_statements.
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  runtime = createRuntime({ pool });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** LiteralQuote's `code: { eq: ... }` as the compiler writes it into the statement. */
const QUOTED_LITERAL = `'''; DROP TABLE tb_item; --'::text`;

const idsOf = (result: { data?: unknown }): string[] => ((result.data as { items: { id: string }[] }).items ?? []).map((r) => r.id);

describe('hostile values', () => {
  for (const [i, value] of HOSTILE.entries()) {
    it(`matches ${JSON.stringify(value.slice(0, 30))}${value.length > 30 ? '…' : ''} literally`, async () => {
      const id = uuid('00000000', i + 1);
      expect(idsOf(await runtime.execute(ops['CodeEq']!, { v: value }))).toEqual([id]);
      expect(idsOf(await runtime.execute(ops['NameEq']!, { v: value }))).toEqual([id]);
      expect(idsOf(await runtime.execute(ops['Whole']!, { where: { code: { eq: value }, name: { in: [value] } } }))).toEqual([id]);
      const containing = items.filter((it) => (it.data['name'] as string).includes(value)).map((it) => it.id);
      expect(idsOf(await runtime.execute(ops['NameContains']!, { v: value }))).toEqual(containing);
      expect(idsOf(await runtime.execute(ops['Whole']!, { where: { name: { icontains: value } } }))).toEqual(
        items.filter((it) => (it.data['name'] as string).toLowerCase().includes(value.toLowerCase())).map((it) => it.id),
      );
    });
  }

  it('matches literals written in the operation literally', async () => {
    expect(idsOf(await runtime.execute(ops['LiteralQuote']!, {}))).toEqual([uuid('00000000', 1)]);
    expect(idsOf(await runtime.execute(ops['LiteralPercent']!, {}))).toEqual([uuid('00000000', 5)]);
    // A plain literal of the operation is a typed, quoted SQL literal (docs/architecture.md); LIKE
    // patterns stay parameters (their wildcards are escaped at run time).
    expect(ops['LiteralQuote']!.statements[0]!.text).toContain(`"code" = ${QUOTED_LITERAL}`);
    for (const op of Object.values(ops)) {
      for (const statement of op.statements) {
        expect(statement.text.replace(QUOTED_LITERAL, '')).not.toContain('DROP');
        expect(statement.text).not.toContain('100%');
      }
    }
  });

  it('refuses NUL characters with a clear error, before SQL', async () => {
    expect(await runtime.execute(ops['CodeEq']!, { v: 'a\u0000b' })).toEqual({
      errors: [{ message: 'Variable "$v" contains the NUL character (U+0000), which PostgreSQL text cannot hold.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(await runtime.execute(ops['Whole']!, { where: { OR: [{ name: { contains: '\u0000' } }] } })).toEqual({
      errors: [
        {
          message: 'Variable "$where" got invalid value "%\\u0000%" at "where.OR[0].name.contains"; text must not contain the NUL character (U+0000).',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });

  it('bounds regular expressions', async () => {
    const long = 'a'.repeat(1001);
    expect(await runtime.execute(ops['CodeMatches']!, { v: long })).toEqual({
      errors: [{ message: 'Variable "$v" is a regular expression longer than 1000 characters.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    const whole = await runtime.execute(ops['Whole']!, { where: { code: { imatches: long } } });
    expect(whole.errors?.[0]?.message).toBe(
      'Variable "$where" got invalid value "..." at "where.code.imatches"; a regular expression may have at most 1000 characters.',
    );
    // A malformed expression is PostgreSQL's to reject: a database error, without its text.
    const broken = await runtime.execute(ops['CodeMatches']!, { v: '(' });
    expect(broken).toEqual({ data: null, errors: [{ message: 'Database error', extensions: { code: 'DATABASE_ERROR', sqlState: '2201B' } }] });
  });

  it('refuses hostile keys and explicit nulls in whole-variable filters', async () => {
    const result = await runtime.execute(ops['Whole']!, {
      where: { 'code = code OR 1=1; --': { eq: 1 }, code: { 'eq OR TRUE': 'x', neq: null }, NOT: { name: { isnull: null } } },
    });
    expect(result).toEqual({
      errors: [
        { message: 'Variable "$where" got invalid value {"eq":1} at "where.code = code OR 1=1; --"; "code = code OR 1=1; --" is not a field of ItemWhere.', extensions: { code: 'BAD_USER_INPUT' } },
        { message: 'Variable "$where" got invalid value "x" at "where.code.eq OR TRUE"; "eq OR TRUE" is not an operator of StringFilter.', extensions: { code: 'BAD_USER_INPUT' } },
        { message: 'Variable "$where" got invalid value null at "where.code.neq"; operator "neq" cannot be null; omit it to leave it out, or use isnull.', extensions: { code: 'BAD_USER_INPUT' } },
      ],
    });
    expect((await runtime.execute(ops['Whole']!, { where: { qty: { eq: '1' } } })).errors?.[0]?.message).toBe(
      'Variable "$where" got invalid value "1" at "where.qty.eq"; expected type "Int".',
    );
    expect((await runtime.execute(ops['Whole']!, { where: { id: { eq: "1' OR '1'='1" } } })).errors?.[0]?.message).toBe(
      `Variable "$where" got invalid value "1' OR '1'='1" at "where.id.eq"; it is compared with a uuid column, so it must be a UUID.`,
    );
  });

  it('never puts a value in the text of a prepared statement', async () => {
    const { rows } = await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(rows.length).toBeGreaterThan(3);
    for (const { statement: text } of rows) {
      // The one value written in an operation, LiteralQuote's, is there only as its quoted literal.
      const statement = text.replace(QUOTED_LITERAL, '');
      for (const value of [...HOSTILE, 'abc', '1000 percent']) {
        if (value.length > 2) expect(statement).not.toContain(value);
      }
    }
  });

  it('refuses a NUL character or an overlong regular expression written in the operation at compile time', async () => {
    const dir = path.join(repoRoot, 'test/.generated/filters-injection-bad');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'bad.graphql'),
      `query Bad { items(where: { code: { eq: "a\\u0000b" }, name: { matches: "${'a'.repeat(1001)}" } }) { id } }\n`,
    );
    const result = await compileProject({
      schema: ['test/filters/schema.graphql'],
      operations: ['test/.generated/filters-injection-bad/*.graphql'],
      databaseUrl: db.url,
      cwd: repoRoot,
    });
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.diagnostics.map(formatDiagnostic).map((m) => m.split('\n')[0]);
    expect(messages).toEqual([
      'test/.generated/filters-injection-bad/bad.graphql:1:40: error FRAISE_NUL_CHARACTER: A value must not contain the NUL character (U+0000): PostgreSQL text cannot hold it.',
      'test/.generated/filters-injection-bad/bad.graphql:1:71: error FRAISE_REGEX_TOO_LONG: A regular expression may have at most 1000 characters.',
    ]);
  });
});
