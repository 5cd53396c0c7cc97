// Configuration: fraise.config.json and graphql-config's .graphqlrc, flags overriding them, and
// the options they carry (naming, scalar types, output kind). Compiles from a metadata snapshot,
// as a CI build without a database does.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, runCli, tempProject } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const SCHEMA = `scalar Slug
type User @view(name: "v_user") {
  id: ID!
  identifier: Slug!
  isActive: Boolean!
}
type Query {
  users(where: UserWhere, limit: Int): [User!]!
}
`;
const OPERATION = 'query Users {\n  users(limit: 3) { id identifier isActive }\n}\n';

let db: TestDatabase;
let snapshot: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const run = await runCli(['introspect', '--database-url', db.url], await tempProject({}));
  snapshot = run.stdout;
});
afterAll(() => db?.drop());

async function project(files: Record<string, string>): Promise<string> {
  return tempProject({ 'fraise.metadata.json': snapshot, 'schema/app.graphql': SCHEMA, 'src/Users.graphql': OPERATION, ...files });
}

describe('configuration', () => {
  it('reads fraise.config.json, with paths relative to it', async () => {
    const dir = await project({
      'fraise.config.json': JSON.stringify({ schema: 'schema/*.graphql', operations: ['src/**/*.graphql'], out: 'generated', metadata: 'fraise.metadata.json' }),
    });
    const run = await runCli([], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^fraise-compile: 1 operation\(s\) compiled to generated in \d+ ms\n$/);
    expect([...(await readTree(path.join(dir, 'generated'))).keys()]).toEqual([
      'Users.d.ts', 'Users.js', 'Users.ts', 'index.d.ts', 'index.js', 'index.ts', 'persisted-queries.json', 'schema.graphql',
    ]);
    const users = await readFile(path.join(dir, 'generated/Users.ts'), 'utf8');
    // camel naming: field isActive is data key is_active, which v_user's column is_active provably
    // holds (its definition in the metadata snapshot), so the column is read (a bounded list of
    // columns: the runtime writes its JSON, runtime/rowWriter.ts); tb_user.is_active is NOT NULL
    // (the snapshot says so too), so its field needs no null mark
    expect(users).toContain(`t0."is_active" AS c2`);
    expect(users).toContain(`{"key":"isActive","kind":"boolean"}`);
    expect(users).not.toContain(`->'isActive'`);
    expect(users).not.toContain(`->'is_active'`);
  });

  it('lets command-line flags override the file', async () => {
    const dir = await project({
      'fraise.config.json': JSON.stringify({ schema: 'schema/*.graphql', operations: 'src/*.graphql', out: 'generated', metadata: 'fraise.metadata.json' }),
    });
    const run = await runCli(['--out', 'elsewhere', '--output', 'ts', '--naming', 'preserve'], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect([...(await readTree(path.join(dir, 'elsewhere'))).keys()]).toEqual(['Users.ts', 'index.ts', 'persisted-queries.json', 'schema.graphql']);
    const users = await readFile(path.join(dir, 'elsewhere/Users.ts'), 'utf8');
    expect(users).toContain(`->'isActive'`); // preserve naming: the data key is the field name
    expect(users).not.toContain(`->'is_active'`);
  });

  it('reads schema and documents from .graphqlrc (YAML) and options from extensions.fraise', async () => {
    const dir = await project({
      '.graphqlrc': [
        'schema: schema/*.graphql',
        'documents: src/*.graphql',
        'extensions:',
        '  fraise:',
        '    out: generated',
        '    metadata: fraise.metadata.json',
        '    output: js',
        '    scalars:',
        '      Slug: "string & { readonly __slug: true }"',
        '',
      ].join('\n'),
    });
    const run = await runCli([], dir);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const files = await readTree(path.join(dir, 'generated'));
    expect([...files.keys()]).toEqual(['Users.d.ts', 'Users.js', 'index.d.ts', 'index.js', 'persisted-queries.json', 'schema.graphql']);
    expect(files.get('Users.d.ts')).toContain('identifier: string & { readonly __slug: true };');
  });

  it('reports an unknown key at its position with a suggestion', async () => {
    const dir = await project({ 'fraise.config.json': '{\n  "schema": "schema/*.graphql",\n  "operation": "src/*.graphql"\n}\n' });
    const run = await runCli(['--out', 'generated'], dir);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'fraise.config.json:3:3: error FRAISE_BAD_CONFIG: Unknown configuration key "operation".',
        '3 |   "operation": "src/*.graphql"',
        '      ^',
        'hint: Did you mean "operations"?',
        '',
        'fraise-compile: 1 error(s); nothing was written.',
        '',
      ].join('\n'),
    });
  });

  // One rule for maxPageSize wherever it is given (compiler/config/pageSize.ts); the API option's
  // message is the FRAISE_BAD_OPTION diagnostic fixture.
  it('refuses a maxPageSize that is not a positive integer, in the file and as a flag', async () => {
    const dir = await project({ 'fraise.config.json': '{\n  "schema": "schema/*.graphql",\n  "maxPageSize": 0\n}\n' });
    expect(await runCli(['--operations', 'src/*.graphql', '--out', 'generated', '--metadata', 'fraise.metadata.json'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'fraise.config.json:3:3: error FRAISE_BAD_CONFIG: "maxPageSize" must be a positive integer; got 0.',
        '3 |   "maxPageSize": 0',
        '      ^',
        'hint: A whole number of rows, at least 1. Example: "maxPageSize": 100.',
        '',
        'fraise-compile: 1 error(s); nothing was written.',
        '',
      ].join('\n'),
    });
    for (const flag of ['2.5', 'ten', '0']) {
      const run = await runCli(['--schema', 'schema/*.graphql', '--operations', 'src/*.graphql', '--out', 'generated', '--metadata', 'fraise.metadata.json', '--max-page-size', flag], await project({}));
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `error FRAISE_USAGE: --max-page-size must be a positive integer; got "${flag}".\nhint: A whole number of rows, at least 1. Example: --max-page-size 100.\n\nfraise-compile: 1 error(s); nothing was written.\n`,
      });
    }
  });
});
