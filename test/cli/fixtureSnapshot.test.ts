// The blog fixture's committed metadata snapshot (fixtures/blog/fraise.metadata.json, used by the
// README quick start and npm run bench:compile) is what introspecting the fixture database writes.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMetadata } from '../../compiler/index.js';
import { serializeMetadata } from '../../compiler/metadata/normalize.js';
import { blogDir } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

it('matches a fresh introspection of the fixture database', async () => {
  await expect(serializeMetadata(await readMetadata(db.url))).toMatchFileSnapshot(path.join(blogDir, 'fraise.metadata.json'));
});
