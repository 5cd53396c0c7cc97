// One fixture per diagnostic code (test/compiler/diagnostics/<CODE>/): the project files, an
// optional case.json ({ args, exit }, or { api } for compileProject options) and expected.txt, the
// exact text fraise-compile prints on stderr (for api cases, the formatted diagnostics). Each fixture must report its own code. Also keeps the code catalogue (compiler and
// docs/cli.md) in step with the codes the compiler's sources use.
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.js';
import { compileProject, formatDiagnostic, type CompileOptions } from '../../compiler/index.js';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnosticCodes.js';
import { repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const FIXTURES = path.join(repoRoot, 'test/compiler/diagnostics');
const DEFAULT_ARGS = ['--schema', 'schema.graphql', '--operations', 'ops/*.graphql', '--out', 'generated', '--database-url', '$DATABASE_URL'];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  delete process.env['DATABASE_URL'];
});
afterAll(() => db?.drop());

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function runFixture(code: string, extraArgs: readonly string[] = []): Promise<Captured> {
  const dir = path.join(FIXTURES, code);
  const spec = JSON.parse(await readFile(path.join(dir, 'case.json'), 'utf8').catch(() => '{}')) as {
    args?: string[];
    api?: Partial<CompileOptions>;
  };
  const cwd = await mkdtemp(path.join(os.tmpdir(), `fraise-${code}-`));
  await cp(dir, cwd, { recursive: true, filter: (source) => path.basename(source) !== 'expected.txt' });
  if (spec.api) {
    const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops/*.graphql'], databaseUrl: db.url, cwd, ...spec.api });
    const stderr = result.ok ? '' : `${result.diagnostics.map(formatDiagnostic).join('\n\n')}\n`;
    return { code: result.ok ? 0 : 1, stdout: '', stderr };
  }
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
  const args = [...(spec.args ?? DEFAULT_ARGS), ...extraArgs].map((a) => (a === '$DATABASE_URL' ? db.url : a));
  const exit = await main(args, io, cwd);
  return { code: exit, ...out };
}

const codes = Object.keys(DIAGNOSTIC_CODES).sort();

describe('diagnostic fixtures', () => {
  for (const code of codes) {
    it(code, async () => {
      const spec = JSON.parse(await readFile(path.join(FIXTURES, code, 'case.json'), 'utf8').catch(() => '{}')) as { exit?: number };
      const run = await runFixture(code);
      expect(run.stderr).toContain(` ${code}: `);
      await expect(run.stderr).toMatchFileSnapshot(path.join(FIXTURES, code, 'expected.txt'));
      expect(run.code).toBe(spec.exit ?? 1);
    });
  }

  it('reports as JSON with --format json', async () => {
    const run = await runFixture('FRAISE_UNKNOWN_COLUMN', ['--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: 1,
      warnings: 0,
      diagnostics: [
        {
          severity: 'error',
          code: 'FRAISE_UNKNOWN_COLUMN',
          message: 'localKey "authr_id" of field "author" is not a column of the view of "Post".',
          hint: 'Did you mean "author_id"?',
          file: 'schema.graphql',
          line: 10,
          column: 3,
        },
      ],
    });
  });
});

describe('code catalogue', () => {
  it('lists every code the compiler uses, each with a fixture and a line in docs/cli.md', async () => {
    const sources = await readdir(path.join(repoRoot, 'compiler'), { recursive: true });
    const used = new Set<string>();
    for (const file of sources.filter((f) => f.endsWith('.ts'))) {
      const text = await readFile(path.join(repoRoot, 'compiler', file), 'utf8');
      for (const match of text.matchAll(/'(FRAISE_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect([...used].sort()).toEqual(codes);
    expect((await readdir(FIXTURES)).sort()).toEqual(codes);
    const docs = await readFile(path.join(repoRoot, 'docs/cli.md'), 'utf8');
    expect(codes.filter((code) => !docs.includes(`| \`${code}\` |`))).toEqual([]);
  });
});
