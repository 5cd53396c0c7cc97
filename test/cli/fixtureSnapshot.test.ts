// The blog fixture's committed metadata snapshot (fixtures/blog/fraise.metadata.json, used by the
// README quick start and npm run bench:compile) is what introspecting the fixture database writes.
import { readFile } from 'node:fs/promises';
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

const SNAPSHOT = path.join(blogDir, 'fraise.metadata.json');

it('matches a fresh introspection of the fixture database', async () => {
  await expect(serializeMetadata(await readMetadata(db.url))).toMatchFileSnapshot(SNAPSHOT);
});

// What the snapshot above protects, read through information_schema (not the compiler's pg_catalog
// queries): every table and view of the fixture with its columns, in order, and their types, and
// every function; so a blessed snapshot (vitest -u) that lost or changed one still fails here.
it('holds every relation, column and function of the fixture database', async () => {
  const snapshot = JSON.parse(await readFile(SNAPSHOT, 'utf8')) as {
    relations: { schema: string; name: string; kind: string; columns: { name: string; type: string }[] }[];
    functions: { schema: string; name: string }[];
  };
  const { rows: tables } = await db.pool.query<{ name: string; kind: string }>(
    `SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind
       FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE "C"`,
  );
  const { rows: columns } = await db.pool.query<{ relation: string; name: string; type: string }>(
    `SELECT table_name AS relation, column_name AS name, data_type AS type
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name COLLATE "C", ordinal_position`,
  );
  expect(tables.length).toBeGreaterThan(10);
  expect(snapshot.relations.map((r) => ({ schema: r.schema, name: r.name, kind: r.kind, columns: r.columns.map((c) => ({ name: c.name, type: c.type })) }))).toEqual(
    tables.map((t) => ({
      schema: 'public',
      name: t.name,
      kind: t.kind,
      columns: columns.filter((c) => c.relation === t.name).map((c) => ({ name: c.name, type: c.type })),
    })),
  );
  const { rows: routines } = await db.pool.query<{ name: string }>(
    `SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = 'public' ORDER BY routine_name COLLATE "C"`,
  );
  expect(routines.length).toBeGreaterThan(5);
  expect(snapshot.functions.map((f) => `${f.schema}.${f.name}`).sort()).toEqual(routines.map((r) => `public.${r.name}`));
});
