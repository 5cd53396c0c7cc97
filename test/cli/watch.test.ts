// --watch: recompiles on a change of an operation, a new or deleted file, and the configuration;
// writes only the files whose content changed, removes stale ones, and keeps the folder on errors.
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCommand } from '../../compiler/cli/compileCommand.js';
import type { BuildEvent } from '../../compiler/cli/watch.js';
import { readMetadata } from '../../compiler/index.js';
import { serializeMetadata } from '../../compiler/metadata/normalize.js';
import { readTree, tempProject } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const SCHEMA = `type User @view(name: "v_user") {
  id: ID!
  name: String!
  isActive: Boolean!
}
type Query {
  users(where: UserWhere, limit: Int): [User!]!
  user(id: ID!): User
}
`;
const CONFIG = { schema: 'schema.graphql', operations: 'ops/*.graphql', out: 'generated', metadata: 'fraise.metadata.json' };

let db: TestDatabase;
let dir: string;
const events: BuildEvent[] = [];
const waiters: { test: (e: BuildEvent) => boolean; resolve: (e: BuildEvent) => void }[] = [];
let stderr = '';
const controller = new AbortController();
let exited: Promise<number>;

/** The next build (after this call) that satisfies `test`; spurious empty rebuilds are skipped. */
function nextBuild(test: (e: BuildEvent) => boolean = (e) => !e.ok || e.written.length + e.removed.length > 0): Promise<BuildEvent> {
  return new Promise((resolve) => waiters.push({ test, resolve }));
}

/** Replaces a file in one step (temporary file + rename), as editors do. */
async function edit(name: string, text: string): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(`${path.dirname(file)}/.edit.tmp`, text);
  await rename(`${path.dirname(file)}/.edit.tmp`, file);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await tempProject({
    'fraise.metadata.json': serializeMetadata(await readMetadata(db.url)),
    'fraise.config.json': JSON.stringify(CONFIG),
    'schema.graphql': SCHEMA,
    'ops/A.graphql': 'query A {\n  users(limit: 2) { id name }\n}\n',
    'ops/B.graphql': 'query B($id: ID!) {\n  user(id: $id) { id }\n}\n',
  });
  const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
  const first = nextBuild(() => true);
  exited = compileCommand(['--watch'], io, dir, {
    signal: controller.signal,
    onBuild: (event) => {
      events.push(event);
      const index = waiters.findIndex((w) => w.test(event));
      if (index >= 0) waiters.splice(index, 1)[0]!.resolve(event);
    },
  });
  expect(await first).toMatchObject({ ok: true, removed: [] });
});
afterAll(async () => {
  controller.abort();
  await exited;
  await db?.drop();
});

describe('watch mode', () => {
  it('writes every file on the first build', () => {
    expect(events[0]!.written).toEqual([
      'A.d.ts', 'A.js', 'A.ts', 'B.d.ts', 'B.js', 'B.ts', 'index.d.ts', 'index.js', 'index.ts', 'persisted-queries.json', 'schema.graphql',
    ]);
  });

  it('rewrites only the changed operation (and the manifest) after an edit', async () => {
    const before = await stat(path.join(dir, 'generated/A.ts'));
    const built = nextBuild();
    await edit('ops/B.graphql', 'query B($id: ID!) {\n  user(id: $id) { id name }\n}\n');
    expect(await built).toMatchObject({ ok: true, written: ['B.d.ts', 'B.js', 'B.ts', 'persisted-queries.json'], removed: [] });
    expect(await readFile(path.join(dir, 'generated/B.ts'), 'utf8')).toContain("'name'");
    expect((await stat(path.join(dir, 'generated/A.ts'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('adds the modules of a new file and removes those of a deleted one', async () => {
    const added = nextBuild();
    await edit('ops/C.graphql', 'query C {\n  users(limit: 1) { isActive }\n}\n');
    expect(await added).toMatchObject({
      ok: true,
      written: ['C.d.ts', 'C.js', 'C.ts', 'index.d.ts', 'index.js', 'index.ts', 'persisted-queries.json'],
      removed: [],
    });
    const removed = nextBuild();
    await rm(path.join(dir, 'ops/A.graphql'));
    expect(await removed).toMatchObject({
      ok: true,
      written: ['index.d.ts', 'index.js', 'index.ts', 'persisted-queries.json'],
      removed: ['A.d.ts', 'A.js', 'A.ts'],
    });
    expect([...(await readTree(path.join(dir, 'generated'))).keys()]).toEqual([
      'B.d.ts', 'B.js', 'B.ts', 'C.d.ts', 'C.js', 'C.ts', 'index.d.ts', 'index.js', 'index.ts', 'persisted-queries.json', 'schema.graphql',
    ]);
  });

  it('reports an error and leaves the folder as it was, then recovers', async () => {
    const folder = await readTree(path.join(dir, 'generated'));
    const failed = nextBuild((e) => !e.ok);
    stderr = '';
    await edit('ops/C.graphql', 'query C {\n  users(limit: 1) { isActiv }\n}\n');
    expect(await failed).toMatchObject({ ok: false, written: [], removed: [] });
    expect(stderr).toBe(
      [
        'ops/C.graphql:2:21: error FRAISE_INVALID_OPERATION: Cannot query field "isActiv" on type "User".',
        '2 |   users(limit: 1) { isActiv }',
        '                        ^',
        'hint: Did you mean "isActive"?',
        '',
        'fraise-compile: 1 error(s); nothing was written.',
        '',
      ].join('\n'),
    );
    expect(await readTree(path.join(dir, 'generated'))).toEqual(folder);
    const fixed = nextBuild((e) => e.ok);
    await edit('ops/C.graphql', 'query C {\n  users(limit: 1) { isActive }\n}\n');
    expect(await fixed).toMatchObject({ ok: true, written: [], removed: [] });
  });

  it('reloads the configuration when it changes', async () => {
    const built = nextBuild();
    await edit('fraise.config.json', JSON.stringify({ ...CONFIG, output: 'ts' }));
    expect(await built).toMatchObject({
      ok: true,
      written: [],
      removed: ['B.d.ts', 'B.js', 'C.d.ts', 'C.js', 'index.d.ts', 'index.js'],
    });
  });
});
