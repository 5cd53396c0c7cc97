// Every fixture operation, compiled and run through the runtime against real PostgreSQL, must
// answer exactly what an independent graphql-js implementation over the same views answers, and
// exactly the reviewed response stored beside this test. Streaming must give the same bytes' JSON.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { blogDir, compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { readCases, responsePath } from '../support/fixtureCases.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { executeReference } from '../support/referenceExecutor.js';
import { collect } from '../runtime/writables.js';

const cases = await readCases(blogDir);
let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let schemaSdl: string;
let document: string;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'blog-e2e');
  runtime = createRuntime({ pool: db.pool, batchSize: 7 });
  schemaSdl = await readFile(path.join(blogDir, 'schema.graphql'), 'utf8');
  const opsDir = path.join(blogDir, 'operations');
  const files = (await readdir(opsDir)).filter((f) => f.endsWith('.graphql')).sort();
  document = (await Promise.all(files.map((f) => readFile(path.join(opsDir, f), 'utf8')))).join('\n');
});
afterAll(() => db?.drop());

describe('blog fixture operations', () => {
  it('covers every operation with at least one case', async () => {
    const operations = Object.keys(fixture.operationsByName).sort();
    const covered = [...new Set(cases.map((c) => c.operation))].sort();
    expect(covered).toEqual(operations);
    expect(operations.length).toBeGreaterThanOrEqual(15);
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const op = fixture.operationsByName[testCase.operation];
      if (!op) throw new Error(`operation ${testCase.operation} was not compiled`);
      const result = await runtime.execute(op, testCase.variables);
      const expected = await executeReference({
        pool: db.pool,
        schemaSdl,
        document,
        operationName: testCase.operation,
        variables: testCase.variables,
      });
      expect(result).toEqual(expected);
      await expect(`${JSON.stringify(result, null, 2)}\n`).toMatchFileSnapshot(responsePath(testCase.name));

      const sink = collect();
      await runtime.stream(op, testCase.variables, sink.writable);
      expect(JSON.parse(sink.text())).toEqual(result);
    });
  }
});
