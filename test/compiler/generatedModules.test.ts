// The generated output, as a person reviews it: modules snapshotted whole (their SQL, types,
// variable checks), the manifest's ids are the sha256 of the bodies, and output is deterministic.
import { createHash } from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject } from '../../compiler/index.js';
import { compileBlogFixture, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'blog-modules');
});
afterAll(() => db?.drop());

describe('generated modules', () => {
  for (const file of ['PostWithAuthor.ts', 'PostsWithAuthorAndComments.ts', 'UsersFilter.ts', 'SearchPosts.ts', 'FragmentsAndDirectives.ts', 'Dashboard.ts', 'index.ts', 'PostWithAuthor.d.ts']) {
    it(`snapshots ${file}`, async () => {
      await expect(fixture.files.get(file)).toMatchFileSnapshot(`./__modules__/${file}.snap`);
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

  it('names statements by a hash of their SQL, so reused text shares one prepared statement', () => {
    for (const op of Object.values(fixture.operationsByName)) {
      for (const statement of op.statements) {
        expect(statement.name).toMatch(/^fraise_[0-9a-f]{16,24}(_[0-9a-f]+)?$/);
      }
    }
  });
});
