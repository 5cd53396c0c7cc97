// Two bugs found porting FraiseQL applications: SDL argument defaults were ignored (a list
// `authors(limit: Int = 20)` compiled without LIMIT), and the written schema.graphql dropped the
// user's `schema { ... }` block, so a type merely named Subscription became a root for its readers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic } from '../../compiler/index.js';
import { createRuntime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(repoRoot, 'test/.generated/sdl-bugs-src-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const SCHEMA = `type User @view(name: "v_user") { id: ID! identifier: String! }
type Query {
  authors(limit: Int = 2, offset: Int = 1): [User!]!
}`;

describe('SDL argument defaults', () => {
  it('apply when the operation omits the argument, or when the request omits its variable', async () => {
    await writeFile(path.join(dir, 'schema.graphql'), SCHEMA);
    await writeFile(
      path.join(dir, 'ops.graphql'),
      `query Omitted { authors { identifier } }
query ByVariable($limit: Int) { authors(limit: $limit) { identifier } }
query All { authors(limit: null, offset: 0) { identifier } }`,
    );
    const rel = path.relative(repoRoot, dir);
    const fixture = await compileProjectTo(db.url, 'sdl-bugs', [`${rel}/schema.graphql`], [`${rel}/ops.graphql`]);
    const runtime = createRuntime({ pool: db.pool });
    const { rows } = await db.pool.query<{ identifier: string }>('SELECT identifier FROM v_user ORDER BY id');
    const all = rows.map((r) => ({ identifier: r.identifier }));
    expect(all.length).toBeGreaterThan(3);
    const page = all.slice(1, 3); // offset 1, limit 2: the SDL defaults
    expect(await runtime.execute(fixture.operationsByName['Omitted']!, {})).toEqual({ data: { authors: page } });
    expect(await runtime.execute(fixture.operationsByName['ByVariable']!, {})).toEqual({ data: { authors: page } });
    // An explicit null is a value (GraphQL's CoerceArgumentValues): no limit.
    expect(await runtime.execute(fixture.operationsByName['ByVariable']!, { limit: null })).toEqual({ data: { authors: all.slice(1) } });
    expect(await runtime.execute(fixture.operationsByName['ByVariable']!, { limit: 1 })).toEqual({ data: { authors: all.slice(1, 2) } });
    expect(await runtime.execute(fixture.operationsByName['All']!, {})).toEqual({ data: { authors: all } });
  });

  it('count as a limit: no FRAISE_UNBOUNDED_LIST warning', async () => {
    await writeFile(path.join(dir, 'schema.graphql'), SCHEMA);
    await writeFile(path.join(dir, 'ops.graphql'), 'query Omitted { authors { identifier } }');
    const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.warnings.map((w) => w.code)).toEqual([]);
    const module = [...result.files].filter(([name]) => name.startsWith('Omitted')).map(([, text]) => text).join('\n');
    expect(module).toMatch(/LIMIT \d+::integer/); // the default, a literal of the operation (docs/architecture.md)
  });
});

describe('the written schema.graphql', () => {
  it("keeps the user's schema block, so a type named Subscription is not a root", async () => {
    await writeFile(
      path.join(dir, 'schema.graphql'),
      `schema { query: Query }
type User @view(name: "v_user") { id: ID! identifier: String! }
"Not a root: an embedded object type that happens to have this name."
type Subscription { plan: String! }
type Query { users(limit: Int): [User!]! }`,
    );
    await writeFile(path.join(dir, 'ops.graphql'), 'query Q { users(limit: 1) { id } }');
    const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const printed = result.files.get('schema.graphql')!;
    expect(printed.startsWith('schema {\n  query: Query\n}\n')).toBe(true);
    const reread = buildSchema(printed);
    expect(reread.getQueryType()?.name).toBe('Query');
    expect(reread.getSubscriptionType()).toBeUndefined();
    expect(reread.getType('Subscription')).toBeDefined();
  });

  it('prints no schema block when the user wrote none', async () => {
    await writeFile(path.join(dir, 'schema.graphql'), SCHEMA);
    await writeFile(path.join(dir, 'ops.graphql'), 'query Q { authors { id } }');
    const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.files.get('schema.graphql')).not.toMatch(/^schema \{/m);
  });
});
