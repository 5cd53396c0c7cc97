// The generated output, as a person reviews it: modules snapshotted whole (their SQL, types,
// variable checks), each snapshot next to the properties it protects, the manifest's ids are the
// sha256 of the bodies, statements are shared by their text, and output is deterministic.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject } from '../../compiler/index.js';
import { createRuntime, type CompiledOperation } from '../../runtime/index.js';
import { compileBlogFixture, compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'blog-modules');
});
afterAll(() => db?.drop());

const POST_1 = '22222222-2222-4222-8222-000000000001';
const USER_1 = '11111111-1111-4111-8111-000000000001';

const op = (name: string): CompiledOperation => fixture.operationsByName[name]!;

/** A query's statement and bind values for `variables` (the test fails if they are refused). */
function prepared(name: string, variables: Record<string, unknown>): { text: string; values: readonly unknown[] } {
  const result = op(name).prepare(variables);
  if (!result.ok || !('statement' in result)) throw new Error(`${name} refused ${JSON.stringify(variables)}: ${JSON.stringify(result)}`);
  return { text: result.statement.text, values: result.values };
}

/** The messages a query's prepare refuses `variables` with. */
function refusals(name: string, variables: Record<string, unknown>): string[] {
  const result = op(name).prepare(variables);
  return result.ok ? [] : result.errors.map((e) => e.message);
}

/** Every bind parameter of a SQL text, with its cast, in order. */
const parameters = (text: string): string[] => text.match(/\$\d+(::[a-z]+(\[\])?)?/g) ?? [];

/**
 * Next to each snapshot, the property it protects: `vitest -u` rewrites a snapshot, not these, so
 * a change that breaks one cannot be blessed by updating the snapshot.
 */
const PROPERTIES: Record<string, (text: string) => void | Promise<void>> = {
  // A lookup: one statement, the id bound once as a uuid, both views read, the types as declared.
  'PostWithAuthor.ts': (text) => {
    expect(op('PostWithAuthor').statements).toHaveLength(1);
    expect(op('PostWithAuthor').shape).toEqual({ kind: 'object', key: 'post' });
    const { text: sql, values } = prepared('PostWithAuthor', { id: POST_1 });
    expect(values).toEqual([POST_1]);
    expect(parameters(sql)).toEqual(['$1::uuid']);
    expect(sql).toContain('"public"."v_post"');
    expect(sql).toContain('"public"."v_user"');
    expect(refusals('PostWithAuthor', { id: 'nope' })).toEqual(['Variable "$id" got invalid value "nope"; it is compared with a uuid column, so it must be a UUID.']);
    expect(text).toContain('export type PostWithAuthorVariables = {\n  id: string;\n};');
  },
  // Literal arguments only: no bind parameter; literal limits are typed literals; one row holds the list.
  'PostsWithAuthorAndComments.ts': () => {
    const { text: sql, values } = prepared('PostsWithAuthorAndComments', {});
    expect(values).toEqual([]);
    expect(parameters(sql)).toEqual([]);
    expect(sql).toMatch(/LIMIT 20::integer\b/);
    expect(sql).toMatch(/LIMIT 5::integer\b/);
    for (const view of ['v_post', 'v_user', 'v_comment']) expect(sql).toContain(`"public"."${view}"`);
    expect(op('PostsWithAuthorAndComments').shape).toEqual({ kind: 'object', key: 'posts' });
    // Null marks only where the catalogue does not prove the value non-null (metadata/viewFacts.ts):
    // none on Post.id, User.id (NOT NULL id columns), Post.title, Comment.body, User.name (data keys
    // built from NOT NULL text columns); Post.author and Comment.author, related rows that may be
    // missing, keep theirs.
    expect(sql).not.toMatch(/coalesce\(to_json\(t\d+\."id"\)/);
    expect(sql).not.toMatch(/'(title|body|name)', coalesce/);
    expect(sql.match(/'author', coalesce\(\(SELECT json_build_object\('id', t\d+\."id", 'name', t\d+\."data"->'name'\) FROM "public"\."v_user"/g)).toHaveLength(2);
    // The objects of both limited lists are built after their sort and LIMIT: fenced, one scalar
    // subquery deeper (emitSql.ts emitRowObject).
    expect(sql.match(/\(SELECT \(SELECT json_build_object\(/g)).toHaveLength(2);
  },
  // Optional leaf variables: an omitted one leaves its operator out; the others are bound in order.
  'UsersFilter.ts': () => {
    const none = prepared('UsersFilter', {});
    expect(none.values).toEqual([]);
    expect(parameters(none.text)).toEqual([]);
    expect(none.text).not.toMatch(/LIKE/);
    const some = prepared('UsersFilter', { nameIlike: '%a%', active: true });
    expect(some.values).toEqual(['%a%', true]);
    expect(parameters(some.text)).toEqual(['$1::text', '$2::boolean']);
    expect(some.text).toContain('ILIKE $1::text');
    expect(some.text).not.toMatch(/[^I]LIKE/);
    expect(refusals('UsersFilter', { location: null })).toEqual([
      'Variable "$location" is null, but it is the value of a filter operator; omit it to leave the filter out, or use isnull.',
    ]);
  },
  // Whole-variable where: every value a bind parameter, never text; unknown fields refused.
  'SearchPosts.ts': () => {
    const hostile = "x'); DROP TABLE tb_post; --";
    const { text: sql, values } = prepared('SearchPosts', { where: { title: { eq: hostile } }, limit: 5, offset: 10 });
    expect(values).toEqual([hostile, 5, 10]);
    expect(parameters(sql)).toEqual(['$1::text', '$2::integer', '$3::integer']);
    expect(sql).not.toContain('DROP');
    expect(refusals('SearchPosts', { where: { nope: { eq: 1 } } })).toHaveLength(1);
  },
  // @include/@skip on variables: one statement per combination, each holding only its fields.
  'FragmentsAndDirectives.ts': () => {
    expect(new Set(op('FragmentsAndDirectives').statements.map((s) => s.text)).size).toBe(4);
    const withBio = prepared('FragmentsAndDirectives', { id: USER_1, withBio: true });
    const withoutBio = prepared('FragmentsAndDirectives', { id: USER_1, withBio: false });
    const noPosts = prepared('FragmentsAndDirectives', { id: USER_1, withBio: false, skipPosts: true });
    expect(withBio.text).toContain("'bio'");
    expect(withoutBio.text).not.toContain("'bio'");
    expect(withoutBio.text).toContain('"public"."v_post"'); // $skipPosts defaults to false
    expect(noPosts.text).not.toContain('"public"."v_post"');
    for (const { text: sql, values } of [withBio, withoutBio, noPosts]) {
      expect(values).toEqual([USER_1]);
      expect(sql).not.toContain("'createdAt'"); // @skip(if: true)
      expect(sql).not.toContain("'emailAddress'"); // @include(if: false)
      expect(sql).toContain("'isActive'"); // @include(if: true)
    }
  },
  // Several root fields: one statement, one row holding `data`; written literals are typed literals.
  'Dashboard.ts': () => {
    expect(op('Dashboard').statements).toHaveLength(1);
    expect(op('Dashboard').shape).toEqual({ kind: 'data' });
    const { text: sql, values } = prepared('Dashboard', { userId: USER_1 });
    expect(values).toEqual([USER_1]);
    expect(parameters(sql)).toEqual(['$1::uuid']);
    expect(sql).toContain("'does-not-exist'::text");
    expect(sql).toContain("'33333333-3333-4333-8333-000000000001'::uuid");
    // Every non-null field it selects is proven non-null: nothing is marked, no row is checked.
    expect(sql).not.toContain('\\u0000');
    expect(op('Dashboard').marksNulls).toBeUndefined();
  },
  // Every operation of the fixture's files, each from its own module, registered by its id.
  'index.ts': async (text) => {
    const names: string[] = [];
    for (const file of await readdir(path.join(repoRoot, 'fixtures/blog/operations'))) {
      const source = await readFile(path.join(repoRoot, 'fixtures/blog/operations', file), 'utf8');
      for (const match of source.matchAll(/^query (\w+)/gm)) names.push(match[1]!);
    }
    expect(names.length).toBeGreaterThan(20);
    expect(Object.keys(fixture.operationsByName).sort()).toEqual(names.sort());
    for (const name of names) {
      expect(text).toContain(`import { ${name} } from './${name}.js';`);
      expect(fixture.operations[op(name).id]).toBe(op(name));
    }
  },
  // Every key a row reads is a column or computed from the view's columns (viewDerived.ts): v_user's
  // `data` is never built; createdAt is blog_iso of the column created_at, named with its schema.
  'UsersByRole.ts': async (text) => {
    const { text: sql } = prepared('UsersByRole', { roles: ['ADMIN'] });
    expect(sql).not.toContain('"data"');
    expect(sql).toContain(`'createdAt', coalesce(NULLIF(to_jsonb("public"."blog_iso"(t0."created_at")), 'null'::jsonb)::json, '"\\u0000"'::json)`);
    const { rows } = await db.pool.query<{ json: string }>(sql.replace(/\$1::text\[\]/, "'{ADMIN}'::text[]") + ' LIMIT 2');
    const { rows: expected } = await db.pool.query<{ json: string }>(
      `SELECT json_build_object('id', id, 'role', role, 'createdAt', data->'created_at')::text AS json FROM v_user WHERE role = 'ADMIN' ORDER BY created_at DESC, id LIMIT 2`);
    expect(rows.map((r) => Object.values(r)[0])).toEqual(expected.map((r) => r.json));
    expect(text).toContain('"public"."blog_iso"');
  },
  // Declarations only: the types and the typed operation, no SQL.
  'PostWithAuthor.d.ts': (text) => {
    expect(text).toContain('export type PostWithAuthorVariables = {\n  id: string;\n};');
    expect(text).toContain('export declare const PostWithAuthor: CompiledOperation<PostWithAuthorVariables, PostWithAuthorData>;');
    expect(text).not.toContain('SELECT');
  },
};

describe('generated modules', () => {
  for (const [file, property] of Object.entries(PROPERTIES)) {
    it(`snapshots ${file}, and holds what the snapshot protects`, async () => {
      const text = fixture.files.get(file)!;
      await expect(text).toMatchFileSnapshot(`./__modules__/${file}.snap`);
      await property(text);
    });
  }

  // What the snapshots above protect: a module holds only its operation's SQL, variable plan and
  // tables, and imports every helper from the runtime, where it is typed and tested.
  it('holds no helper source: every helper is imported from @fraise/runtime', () => {
    const modules = [...fixture.files].filter(([name]) => name.endsWith('.ts') && !name.endsWith('.d.ts') && name !== 'index.ts');
    expect(modules.length).toBeGreaterThan(20);
    for (const [name, text] of modules) {
      expect(text.match(/^import .*$/gm), name).toEqual([expect.stringMatching(/^import \{ .+ \} from '@fraise\/runtime';$/)]);
      expect(text, name).not.toMatch(/\bfunction\b|Symbol\(|=>\s*\{|\bclass\b/);
    }
  });

  it('type-checks every generated module under strict settings', () => {
    const files = [...fixture.files.keys()].filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).map((n) => path.join(fixture.outDir, n));
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      skipLibCheck: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(errors).toEqual([]);
  });

  it('writes an Apollo persisted-query manifest whose ids hash the bodies', () => {
    const manifest = JSON.parse(fixture.files.get('persisted-queries.json')!) as {
      format: string;
      version: number;
      operations: { id: string; name: string; type: string; body: string }[];
    };
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.version).toBe(1);
    expect(manifest.operations.map((o) => o.name)).toEqual(Object.keys(fixture.operationsByName).sort());
    for (const op of manifest.operations) {
      expect(op.type).toBe('query');
      expect(op.id).toBe(createHash('sha256').update(op.body).digest('hex'));
      expect(fixture.operationsByName[op.name]!.id).toBe(op.id);
      expect(fixture.operations[op.id]).toBe(fixture.operationsByName[op.name]);
    }
  });

  it('gives byte-identical output for the same inputs', async () => {
    const again = await compileProject({
      schema: ['fixtures/blog/schema.graphql'],
      operations: ['fixtures/blog/operations/*.graphql'],
      databaseUrl: db.url,
      cwd: repoRoot,
    });
    if (!again.ok) throw new Error('second compile failed');
    expect([...again.files.keys()]).toEqual([...fixture.files.keys()]);
    for (const [name, text] of again.files) expect(text, name).toBe(fixture.files.get(name));
  });

  it('names statements by their SQL alone: one name per text, one text per name', () => {
    const nameOf = new Map<string, string>();
    const textOf = new Map<string, string>();
    let statements = 0;
    for (const op of Object.values(fixture.operationsByName)) {
      for (const statement of op.statements) {
        statements++;
        expect(statement.name).toMatch(/^fraise_[0-9a-f]{16,24}(_[0-9a-f]+)?$/);
        expect(nameOf.get(statement.text) ?? statement.name, statement.text).toBe(statement.name);
        expect(textOf.get(statement.name) ?? statement.text, statement.name).toBe(statement.text);
        nameOf.set(statement.text, statement.name);
        textOf.set(statement.name, statement.text);
      }
    }
    expect(statements).toBeGreaterThan(20);
  });

  it('shares one prepared statement between two operations with the same SQL', async () => {
    const src = path.join(repoRoot, 'test/.generated/generated-shared-src');
    await rm(src, { recursive: true, force: true });
    await mkdir(src, { recursive: true });
    // Two names, one selection: the SQL does not depend on the operation's name.
    await writeFile(path.join(src, 'shared.graphql'), [
      'query SharedA { users(limit: 2, orderBy: [{ identifier: ASC }]) { identifier } }',
      'query SharedB { users(limit: 2, orderBy: [{ identifier: ASC }]) { identifier } }',
    ].join('\n'));
    const shared = await compileProjectTo(db.url, 'generated-shared', ['fixtures/blog/schema.graphql'], ['test/.generated/generated-shared-src/*.graphql']);
    const a = shared.operationsByName['SharedA']!;
    const b = shared.operationsByName['SharedB']!;
    expect(a.id).not.toBe(b.id);
    expect(a.statements).toHaveLength(1);
    expect(b.statements).toEqual(a.statements);
    // On one connection, PostgreSQL holds the statement once and counts both operations' runs.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const runtime = createRuntime({ pool });
      const { rows: users } = await pool.query<{ identifier: string }>('SELECT identifier FROM v_user ORDER BY identifier LIMIT 2');
      const expected = { data: { users: users.map((u) => ({ identifier: u.identifier })) } };
      expect(users).toHaveLength(2);
      for (const op of [a, b, a, b]) expect(await runtime.execute(op, {})).toEqual(expected);
      const { rows } = await pool.query('SELECT name, statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements');
      expect(rows).toEqual([{ name: a.statements[0]!.name, statement: a.statements[0]!.text, runs: '4' }]);
    } finally {
      await pool.end();
    }
  });
});
