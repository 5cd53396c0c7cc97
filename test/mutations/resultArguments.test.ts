// Arguments of relations selected in a mutation's result: literals the statement can hold are
// written into it (and run); values that need bind parameters of their own (a variable, a LIKE
// pattern) are refused at compile time, since a mutation's statement binds only its function's
// arguments. (Before the typed SQL builder, such a parameter left control characters in the SQL.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic, writeOutputFolder } from '../../compiler/index.js';
import { createRuntime } from '../../runtime/index.js';
import type { CompiledOperation } from '../../runtime/types.js';
import { repoRoot } from '../support/compileFixture.js';
import { SAAS_TEMPLATE_DATABASE, createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase({ template: SAAS_TEMPLATE_DATABASE });
  dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-result-arguments-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function compile(operation: string): Promise<{ diagnostics: string[]; files: ReadonlyMap<string, string> }> {
  const file = path.join(dir, 'op.graphql');
  await writeFile(file, operation);
  const result = await compileProject({ schema: ['fixtures/saas/schema.graphql'], operations: [file], databaseUrl: db.url, cwd: repoRoot });
  return result.ok ? { diagnostics: [], files: result.files } : { diagnostics: result.diagnostics.map(formatDiagnostic), files: new Map() };
}

const REFUSED =
  'error FRAISE_UNSUPPORTED: Mutation field "publishPost" selects related rows whose arguments need bind values of their own ' +
  '(a variable, a list, a text pattern such as contains, or a whole where/orderBy variable); a mutation binds only its function\'s arguments.';

describe('relation arguments in a mutation result', () => {
  it('writes literal arguments into the statement and runs it', async () => {
    const { diagnostics, files } = await compile(`mutation Publish {
  publishPost(id: 3) { id organization { users(where: { role: { eq: "member" } }, orderBy: [{ id: DESC }], limit: 1) { id name } } }
}`);
    expect(diagnostics).toEqual([]);
    const outDir = path.join(dir, 'out');
    await writeOutputFolder(outDir, files);
    const index = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as { operationsByName: Record<string, CompiledOperation> };
    const op = index.operationsByName.Publish!;
    expect(op.statements.map((s) => s.text).join('\n')).toContain(`t1."role" = 'member'::text ORDER BY t1."id" DESC LIMIT 1::integer`);
    // Post 3 is Acme's (org 1); Acme's members are users 2 and 3 (seed-small.sql): the last by id is Grace.
    const result = await createRuntime({ pool: db.pool }).execute(op, {});
    expect(result).toEqual({ data: { publishPost: { id: 3, organization: { users: [{ id: 3, name: 'Grace Hopper' }] } } } });
  });

  it('refuses a variable argument, at the mutation field', async () => {
    const { diagnostics } = await compile(`mutation Publish($n: Int) {
  publishPost(id: 3) { id organization { users(limit: $n) { id } } }
}`);
    expect(diagnostics.map((d) => d.split('\n').slice(0, 1).join())).toEqual([`${path.join(dir, 'op.graphql')}:2:3: ${REFUSED}`]);
    expect(diagnostics[0]!.split('\n').at(-1)).toBe(
      'hint: Write those arguments as plain literals (numbers, booleans, enum values, strings without a backslash), or query the related rows after the mutation.',
    );
  });

  it('refuses a text pattern, which is always bound', async () => {
    const { diagnostics } = await compile(`mutation Publish {
  publishPost(id: 3) { id organization { users(where: { email: { contains: "acme" } }) { id } } }
}`);
    expect(diagnostics.map((d) => d.split('\n')[0])).toEqual([`${path.join(dir, 'op.graphql')}:2:3: ${REFUSED}`]);
  });
});
