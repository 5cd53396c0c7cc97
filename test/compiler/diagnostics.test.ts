// Compile errors: each names file:line:column with the source line and a caret, says what is
// wrong and how to fix it; the CLI exits non-zero and writes nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic } from '../../compiler/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { repoRoot } from '../support/compileFixture.js';

const run = promisify(execFile);
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const GOOD_SCHEMA = `type User @view(name: "v_user") {
  id: ID!
  name: String!
}
type Post @view(name: "v_post") {
  id: ID!
  title: String!
  author: User! @relation(localKey: "author_id")
}
type Query {
  users(where: UserWhere, limit: Int): [User!]!
  posts(where: PostWhere, orderBy: [PostOrderBy!], limit: Int): [Post!]!
}
`;

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-diag-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

async function diagnose(files: Record<string, string>): Promise<string[]> {
  const cwd = await project(files);
  const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops/*.graphql'], databaseUrl: db.url, cwd });
  if (result.ok) throw new Error('expected the compile to fail');
  return result.diagnostics.map(formatDiagnostic);
}

describe('diagnostics', () => {
  it('reports an unknown view with a suggestion', async () => {
    const messages = await diagnose({
      'schema.graphql': GOOD_SCHEMA.replace('"v_user"', '"v_usr"'),
      'ops/q.graphql': 'query Q { posts { id } }\n',
    });
    expect(messages).toEqual([
      [
        'schema.graphql:1:11: error FRAISE_UNKNOWN_VIEW: Type "User" is backed by view "v_usr", which does not exist in the database.',
        '1 | type User @view(name: "v_usr") {',
        '              ^',
        'hint: Did you mean "v_user"?',
      ].join('\n'),
    ]);
  });

  it('reports an unknown relation column and an unknown field in one run', async () => {
    const messages = await diagnose({
      'schema.graphql': GOOD_SCHEMA.replace('"author_id"', '"author_uuid"'),
      'ops/q.graphql': 'query Q {\n  posts { id titel }\n}\n',
    });
    expect(messages).toEqual([
      [
        'schema.graphql:8:3: error FRAISE_UNKNOWN_COLUMN: localKey "author_uuid" of field "author" is not a column of the view of "Post".',
        '8 |   author: User! @relation(localKey: "author_uuid")',
        '      ^',
        'hint: Did you mean "author_id"?',
      ].join('\n'),
      [
        'ops/q.graphql:2:14: error FRAISE_INVALID_OPERATION: Cannot query field "titel" on type "Post".',
        '2 |   posts { id titel }',
        '                 ^',
        'hint: Did you mean "title"?',
      ].join('\n'),
    ]);
  });

  it('reports syntax errors with their position', async () => {
    const messages = await diagnose({
      'schema.graphql': GOOD_SCHEMA,
      'ops/q.graphql': 'query Q {\n  posts { id \n',
    });
    expect(messages).toEqual([
      ['ops/q.graphql:3:1: error FRAISE_SYNTAX: Syntax Error: Expected Name, found <EOF>.', '3 | ', '    ^', 'hint: Fix the GraphQL syntax at the caret.'].join('\n'),
    ]);
  });

  it('refuses an anonymous operation next to others in its file, or taking a name already used, and null operands', async () => {
    const messages = await diagnose({
      'schema.graphql': GOOD_SCHEMA,
      'ops/q.graphql': '{ posts { id } }\nquery W($w: PostWhere) { posts(where: $w) { id } }\n',
    });
    expect(messages).toEqual([
      [
        "ops/q.graphql:1:1: error FRAISE_ANONYMOUS_OPERATION: This anonymous operation shares ops/q.graphql with 1 other operation(s); only an operation alone in its file may be anonymous (it takes the file's name).",
        '1 | { posts { id } }',
        '    ^',
        'hint: Name it: `query MyName { ... }`.',
      ].join('\n'),
    ]);
    const collision = await diagnose({
      'schema.graphql': GOOD_SCHEMA,
      'ops/Named.graphql': 'query PostsList { posts { id } }\n',
      'ops/posts-list.graphql': '{ posts { id } }\n',
    });
    expect(collision).toEqual([
      [
        'ops/posts-list.graphql:1:1: error FRAISE_ANONYMOUS_OPERATION: This anonymous operation takes its file\'s name "PostsList", which the operation at ops/Named.graphql:1:1 has too.',
        '1 | { posts { id } }',
        '    ^',
        'hint: Name one of them (`query MyName { ... }`), or rename the file.',
      ].join('\n'),
    ]);
    const second = await diagnose({
      'schema.graphql': GOOD_SCHEMA,
      'ops/q.graphql': 'query W { posts(where: { id: { eq: null } }) { id } }\n',
    });
    expect(second).toEqual([
      [
        'ops/q.graphql:1:36: error FRAISE_NULL_OPERAND: Operator "eq" cannot compare with null.',
        '1 | query W { posts(where: { id: { eq: null } }) { id } }',
        '                                       ^',
        'hint: Use { isnull: true } to match missing values.',
      ].join('\n'),
    ]);
  });

  it('exits non-zero from the CLI and writes nothing', async () => {
    const cwd = await project({
      'schema.graphql': GOOD_SCHEMA,
      'ops/q.graphql': 'query Q { posts { nope } }\n',
    });
    const cli = path.join(repoRoot, 'bin/fraise-compile.js');
    const args = [cli, '--schema', 'schema.graphql', '--operations', 'ops/*.graphql', '--out', 'generated', '--database-url', db.url];
    const failure = await run(process.execPath, args, { cwd }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      [
        'ops/q.graphql:1:19: error FRAISE_INVALID_OPERATION: Cannot query field "nope" on type "Post".',
        '1 | query Q { posts { nope } }',
        '                      ^',
        'hint: The full schema served is written to schema.graphql in the output folder.',
        '',
        'fraise-compile: 1 error(s); nothing was written.',
        '',
      ].join('\n'),
    );
    expect(await readdir(cwd)).toEqual(['ops', 'schema.graphql']);

    // A good compile writes the folder; a later failing one leaves it exactly as it was.
    await writeFile(path.join(cwd, 'ops/q.graphql'), 'query Q { posts { id } }\n');
    await run(process.execPath, args, { cwd });
    const before = await readFile(path.join(cwd, 'generated/Q.ts'), 'utf8');
    await writeFile(path.join(cwd, 'ops/q.graphql'), 'query Q { posts { nope } }\n');
    await expect(run(process.execPath, args, { cwd })).rejects.toMatchObject({ code: 1 });
    expect(await readFile(path.join(cwd, 'generated/Q.ts'), 'utf8')).toBe(before);
  });
});
