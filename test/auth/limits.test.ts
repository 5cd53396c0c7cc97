// Document figures (depth, aliases, root fields, estimated rows): computed per operation at build
// time (fraise-compile --report), and limits on documents compiled at run time (FRAISE_DOCUMENT_LIMIT,
// answered GRAPHQL_VALIDATION_FAILED before anything runs). Expected figures are counted by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, createDocumentCompiler } from '../../compiler/index.js';
import { createHandler } from '../../runtime/index.js';
import { listen, post, type Listening } from '../http/support.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
const servers: Listening[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await db?.drop();
});

describe('figures', () => {
  it('per operation: depth, aliases, root fields, rows multiplied down nested lists', async () => {
    const result = await compileProject({
      schema: ['test/auth/fixtures/schema.graphql'],
      operations: ['test/auth/fixtures/operations.graphql'],
      databaseUrl: db.url,
      cwd: repoRoot,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    // users(limit: 3) { id name }: 3 rows.
    expect(result.figures['PublicUsers']).toEqual({ depth: 2, aliases: 0, rootFields: 1, estimatedRows: 3 });
    // posts(limit: 3) { ... comments(limit: 2) { id body } author { id name bio } }: 3 + 3 x 2 + 3 x 1.
    expect(result.figures['PostsWithComments']).toEqual({ depth: 3, aliases: 0, rootFields: 1, estimatedRows: 12 });
    // adminPosts(limit: 2) + post(id:) + users(limit: 2).
    expect(result.figures['Mixed']).toEqual({ depth: 2, aliases: 0, rootFields: 3, estimatedRows: 5 });
  });

  it('fraise-compile --report prints them', async () => {
    const run = await runCli(
      ['--schema', 'test/auth/fixtures/schema.graphql', '--operations', 'test/auth/fixtures/operations.graphql', '--out', 'test/.generated/auth-report', '--database-url', db.url, '--report'],
      repoRoot,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]).toBe('operation          depth  aliases  root fields  estimated rows');
    expect(lines).toContain('PostsWithComments      3        0            1              12');
    expect(lines).toContain('Mixed                  2        0            3               5');
  });
});

describe('limits on documents compiled at run time', () => {
  let url: string;
  beforeAll(async () => {
    const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url, limits: { maxDepth: 3, maxAliases: 2 } });
    const server = await listen(createHandler({ pool: db.pool, operations: {}, compile }));
    servers.push(server);
    url = server.url;
  });
  const run = (query: string) => post(url, { query }, 'application/json');
  const refusal = (json: unknown) => (json as { errors: { message: string; extensions: { code: string; diagnostic: string } }[] }).errors[0]!;

  it('accepts documents within the limits', async () => {
    const reply = await run('query Ok { users(limit: 2) { identifier posts(limit: 1) { title } } }');
    expect(reply.status).toBe(200);
    expect((reply.json as { data: { users: unknown[] } }).data.users).toHaveLength(2);
  });

  it('refuses depth, aliases and estimated rows beyond them, naming the figure', async () => {
    const deep = await run('query Deep { users(limit: 1) { posts(limit: 1) { comments(limit: 1) { id } } } }');
    expect(refusal(deep.json)).toMatchObject({
      message: 'Operation "Deep" nests fields 4; at most 3 is accepted.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', diagnostic: 'FRAISE_DOCUMENT_LIMIT' },
    });
    const aliased = await run('query Aliased { a: users(limit: 1) { id } b: users(limit: 1) { id } c: users(limit: 1) { id } }');
    expect(refusal(aliased.json).message).toBe('Operation "Aliased" uses aliases: 3; at most 2 is accepted.');
    // Default maxEstimatedRows 100,000: 500 users and 500 posts each.
    const wide = await run('query Wide { users(limit: 500) { posts(limit: 500) { id } } }');
    expect(refusal(wide.json).message).toBe('Operation "Wide" may read rows: 250500; at most 100000 is accepted.');
    const unbounded = await run('query Unbounded { users { posts { id } } }');
    expect(refusal(unbounded.json).message).toBe('Operation "Unbounded" may read rows: unbounded; at most 100000 is accepted.');
  });
});
