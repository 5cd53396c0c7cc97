// graphql-http's server audits (GraphQL over HTTP conformance) against the handler on node:http,
// with real compiled documents: the audits' valid documents (test/http/auditDocuments, anonymous
// ones named by their files) compiled by fraise-compile into the persisted list, and the same
// audits with run-time compilation on (every document compiled as it arrives).
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentCompiler } from '../../compiler/index.js';
import { createHandler } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, sha256, type Listening } from './support.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
let persisted: Listening;
let compiling: Listening;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileProjectTo(db.url, 'audits', ['fixtures/blog/schema.graphql'], ['test/http/auditDocuments/*.graphql']);
  persisted = await listen(createHandler({ pool: db.pool, operations: fixture.operations }));
  const compile = createDocumentCompiler({ schema: ['fixtures/blog/schema.graphql'], cwd: repoRoot, databaseUrl: db.url });
  compiling = await listen(createHandler({ pool: db.pool, operations: [], compile }));
});
afterAll(async () => {
  await persisted?.close();
  await compiling?.close();
  await db?.drop();
});

describe('the audit documents compile into the persisted list', () => {
  it('anonymous documents take their file names, and are found by the text the audits send', () => {
    expect(Object.keys(fixture.operationsByName).sort()).toEqual(['Mutation', 'Query', 'Type', 'Typename', 'Unicode']);
    const typename = fixture.operationsByName['Typename']!;
    expect(typename.body).toBe('{\n  __typename\n}');
    expect(typename.aliases).toContain(sha256('{ __typename }'));
  });
});

for (const [mode, server] of [
  ['persisted (documents compiled by fraise-compile)', () => persisted],
  ['run-time compilation', () => compiling],
] as const) {
  describe(`graphql-http server audits, ${mode}`, () => {
    const audits = serverAudits({ url: () => server().url });
    it('runs all 61', () => expect(audits).toHaveLength(61));
    for (const audit of audits) {
      it(`${audit.id} ${audit.name}`, async () => {
        const result = await audit.fn();
        expect(result.status === 'ok' ? result.status : `${result.status}: ${result.reason}`).toBe('ok');
      });
    }
  });
}
