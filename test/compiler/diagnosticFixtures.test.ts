// One fixture per diagnostic code (test/compiler/diagnostics/<CODE>/): the project files,
// case.json ({ args, exit }, or { api } for compileProject options; and `diagnostics`, what must be
// reported) and expected.txt, the exact text fraise-compile prints on stderr (for api cases, the
// formatted diagnostics). expected.txt is a snapshot, which `vitest -u` would rewrite; case.json is
// not: it lists each diagnostic's severity, code and file:line:column, and the source text found at
// that position (`points`; "" for the end of the file), checked against the fixture's own file.
// Also keeps the code catalogue (compiler and docs/cli.md) in step with the codes the compiler's
// sources use.
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
  /** The copy of the fixture the run worked in. */
  cwd: string;
}

interface Spec {
  args?: string[];
  api?: Partial<CompileOptions>;
  exit?: number;
  diagnostics: { severity: 'error' | 'warning'; code: string; at?: string; points?: string }[];
}

async function readSpec(code: string): Promise<Spec> {
  return JSON.parse(await readFile(path.join(FIXTURES, code, 'case.json'), 'utf8')) as Spec;
}

/** Severity, code and file:line:column of each diagnostic in the text output. */
function reported(stderr: string): Omit<Spec['diagnostics'][number], 'points'>[] {
  return [...stderr.matchAll(/^(?:(\S+):(\d+):(\d+): )?(error|warning) (FRAISE_[A-Z_]+):/gm)].map((m) => ({
    severity: m[4] as 'error' | 'warning',
    code: m[5]!,
    ...(m[1] !== undefined ? { at: `${m[1]}:${m[2]}:${m[3]}` } : {}),
  }));
}

/** The text of `file` from line:column on ("" at the end of the file). */
async function textAt(cwd: string, at: string): Promise<string> {
  const [, file, line, column] = /^(.+):(\d+):(\d+)$/.exec(at)!;
  const lines = (await readFile(path.join(cwd, file!), 'utf8')).split('\n');
  return [lines[Number(line) - 1]!.slice(Number(column) - 1), ...lines.slice(Number(line))].join('\n');
}

async function runFixture(code: string, extraArgs: readonly string[] = []): Promise<Captured> {
  const dir = path.join(FIXTURES, code);
  const spec = await readSpec(code);
  const cwd = await mkdtemp(path.join(os.tmpdir(), `fraise-${code}-`));
  await cp(dir, cwd, { recursive: true, filter: (source) => path.basename(source) !== 'expected.txt' });
  if (spec.api) {
    const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops/*.graphql'], databaseUrl: db.url, cwd, ...spec.api });
    const stderr = result.ok ? '' : `${result.diagnostics.map(formatDiagnostic).join('\n\n')}\n`;
    return { code: result.ok ? 0 : 1, stdout: '', stderr, cwd };
  }
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
  const args = [...(spec.args ?? DEFAULT_ARGS), ...extraArgs].map((a) => (a === '$DATABASE_URL' ? db.url : a));
  const exit = await main(args, io, cwd);
  return { code: exit, ...out, cwd };
}

const codes = Object.keys(DIAGNOSTIC_CODES).sort();

describe('diagnostic fixtures', () => {
  for (const code of codes) {
    it(code, async () => {
      const spec = await readSpec(code);
      const run = await runFixture(code);
      await expect(run.stderr).toMatchFileSnapshot(path.join(FIXTURES, code, 'expected.txt'));
      expect(spec.diagnostics.length).toBeGreaterThan(0);
      expect(spec.diagnostics.every((d) => d.code === code)).toBe(true);
      expect(reported(run.stderr)).toEqual(spec.diagnostics.map(({ points: _, ...d }) => d));
      for (const d of spec.diagnostics.filter((x) => x.at !== undefined)) {
        const text = await textAt(run.cwd, d.at!);
        if (d.points === '') expect(text, d.at).toBe('');
        else expect(text.startsWith(d.points!), `${d.at} reads ${JSON.stringify(text.slice(0, 40))}, not ${JSON.stringify(d.points)}`).toBe(true);
      }
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

describe('advice', () => {
  it('FRAISE_DATA_BUILT is reported only with --advise, and --ignore-warning silences it', async () => {
    const spec = await readSpec('FRAISE_DATA_BUILT');
    const without = spec.args!.filter((a) => a !== '--advise');
    const plain = await runFixtureWith('FRAISE_DATA_BUILT', without);
    expect(plain).toEqual({ code: 0, stderr: '' });
    const ignored = await runFixtureWith('FRAISE_DATA_BUILT', [...spec.args!, '--ignore-warning', 'FRAISE_DATA_BUILT']);
    expect(ignored).toEqual({ code: 0, stderr: '' });
  });
});

/** The fixture's files compiled with `args` instead of its case.json's: exit code and stderr. */
async function runFixtureWith(code: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), `fraise-${code}-`));
  await cp(path.join(FIXTURES, code), cwd, { recursive: true, filter: (source) => path.basename(source) !== 'expected.txt' });
  let stderr = '';
  const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
  const exit = await main(args.map((a) => (a === '$DATABASE_URL' ? db.url : a)), io, cwd);
  return { code: exit, stderr };
}

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
