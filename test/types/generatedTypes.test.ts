// The generated .d.ts files type a consumer's code: correct use compiles, and wrong field access
// or wrong variables fail `tsc` with the errors a developer would expect.
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBlogFixture, repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await compileBlogFixture(db.url, 'blog-types');
});
afterAll(() => db?.drop());

function typeErrors(file: string): string[] {
  const program = ts.createProgram([path.join(repoRoot, 'test/types', file)], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const name = d.file ? path.basename(d.file.fileName) : '?';
    return `${name}:${where ? where.line + 1 : '?'} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').split(' ').slice(0, 12).join(' ')}`;
  });
}

describe('generated types', () => {
  it('type-check a correct consumer', () => {
    expect(typeErrors('consumer-ok.ts')).toEqual([]);
  });

  it('reject wrong field access and wrong variables', () => {
    expect(typeErrors('consumer-bad.ts')).toEqual([
      "consumer-bad.ts:11 TS2551: Property 'titel' does not exist on type '{ id: string; title: string;",
      "consumer-bad.ts:12 TS2322: Type 'string | undefined' is not assignable to type 'number | undefined'.",
      "consumer-bad.ts:13 TS2339: Property 'body' does not exist on type '{ id: string; title: string;",
      "consumer-bad.ts:14 TS2322: Type 'number' is not assignable to type 'string'.",
      "consumer-bad.ts:15 TS2345: Argument of type '{}' is not assignable to parameter of type 'Variables<CompiledOperation<PostWithAuthorVariables,",
      "consumer-bad.ts:16 TS2561: Object literal may only specify known properties, but 'contians' does not exist",
      'consumer-bad.ts:17 TS2322: Type \'"UP"\' is not assignable to type \'"ASC" | "DESC" | "ASC_NULLS_FIRST"',
    ]);
  });
});
