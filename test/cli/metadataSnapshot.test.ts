// `introspect` writes a sorted, stable snapshot of the database; compiling from it gives output
// byte-identical to compiling against the live database.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseMetadata } from '../../compiler/index.js';
import { BLOG_MUTATIONS, BLOG_OPERATIONS, BLOG_SCHEMA, readTree, runCli, tempProject } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
let snapshotText: string;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`
    CREATE TYPE post_state AS ENUM ('DRAFT', 'PUBLISHED', 'ARCHIVED');
    CREATE INDEX ix_tv_post_title ON tv_post ((data->>'title'));
    CREATE FUNCTION fn_publish(post_id uuid, at timestamptz DEFAULT now()) RETURNS SETOF v_post
      LANGUAGE sql AS $$ SELECT * FROM v_post WHERE id = post_id $$;`);
  dir = await tempProject({});
  const run = await runCli(['introspect', '--database-url', db.url, '--out', 'fraise.metadata.json'], dir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('fraise-compile: wrote fraise.metadata.json (11 relation(s), 12 function(s), 1 enum(s), 21 index(es))\n');
  snapshotText = await readFile(path.join(dir, 'fraise.metadata.json'), 'utf8');
});
afterAll(() => db?.drop());

describe('metadata snapshot', () => {
  it('records relations, functions, enums and indexes, sorted', () => {
    const snapshot = JSON.parse(snapshotText) as DatabaseMetadata;
    expect(snapshot.format).toBe('fraise-metadata');
    expect(snapshot.version).toBe(1);
    expect(snapshot.searchPath).toEqual(['public']);
    expect(snapshot.relations.map((r) => `${r.kind} ${r.schema}.${r.name}`)).toEqual([
      'table public.tb_comment',
      'table public.tb_post',
      'table public.tb_post_tag',
      'table public.tb_tag',
      'table public.tb_user',
      'table public.tv_post',
      'view public.v_comment',
      'view public.v_post',
      'view public.v_post_detail',
      'view public.v_tag',
      'view public.v_user',
    ]);
    expect(snapshot.relations.find((r) => r.name === 'v_post')?.columns).toEqual([
      { name: 'id', type: 'uuid' },
      { name: 'author_id', type: 'uuid' },
      { name: 'status', type: 'text' },
      { name: 'views', type: 'integer' },
      { name: 'created_at', type: 'timestamp with time zone' },
      { name: 'tenant_id', type: 'uuid' },
      { name: 'data', type: 'jsonb' },
    ]);
    expect(snapshot.functions.map((f) => `${f.name}(${f.arguments.map((a) => a.type).join(', ')})`)).toEqual([
      'blog_context_tenant()',
      'blog_default_tenant()',
      'blog_iso(timestamp with time zone)',
      'blog_mix(bigint)',
      'blog_seed(integer, integer, integer)',
      'fn_add_comment(jsonb)',
      'fn_create_post(jsonb)',
      'fn_delete_post(jsonb)',
      'fn_publish(uuid, timestamp with time zone)',
      'fn_sync_tv_post()',
      'fn_sync_tv_post(uuid)',
      'fn_update_post(uuid, text, text)',
    ]);
    expect(snapshot.functions.find((f) => f.name === 'fn_publish')).toEqual({
      schema: 'public',
      name: 'fn_publish',
      kind: 'function',
      arguments: [
        { name: 'post_id', type: 'uuid', mode: 'in', category: 'U', hasDefault: false },
        { name: 'at', type: 'timestamp with time zone', mode: 'in', category: 'D', hasDefault: true },
      ],
      returns: 'SETOF v_post',
      returnType: 'v_post',
      returnsSet: true,
      returnFields: [
        { name: 'id', type: 'uuid' },
        { name: 'author_id', type: 'uuid' },
        { name: 'status', type: 'text' },
        { name: 'views', type: 'integer' },
        { name: 'created_at', type: 'timestamp with time zone' },
        { name: 'tenant_id', type: 'uuid' },
        { name: 'data', type: 'jsonb' },
      ],
    });
    // What mutations check a @function against: defaults, and a mutation_response's attributes.
    const update = snapshot.functions.find((f) => f.name === 'fn_update_post')!;
    expect(update.arguments.map((a) => `${a.name} ${a.type} ${a.mode}${a.hasDefault ? ' default' : ''}`)).toEqual([
      'p_id uuid in',
      'p_title text in default',
      'p_status text in default',
    ]);
    expect([update.returns, update.returnType, update.returnsSet]).toEqual(['mutation_response', 'mutation_response', false]);
    expect(update.returnFields.map((c) => c.name)).toEqual([
      'status', 'message', 'entity_id', 'entity_type', 'entity', 'updated_fields', 'cascade', 'metadata',
    ]);
    expect(snapshot.enums).toEqual([{ schema: 'public', name: 'post_state', values: ['DRAFT', 'PUBLISHED', 'ARCHIVED'] }]);
    expect(snapshot.indexes.filter((i) => i.table === 'tv_post')).toEqual([
      { schema: 'public', table: 'tv_post', name: 'ix_tv_post_author_id', method: 'btree', unique: false, keys: ['author_id'], predicate: null },
      { schema: 'public', table: 'tv_post', name: 'ix_tv_post_created_at', method: 'btree', unique: false, keys: ['created_at'], predicate: null },
      { schema: 'public', table: 'tv_post', name: 'ix_tv_post_title', method: 'btree', unique: false, keys: ["(data ->> 'title'::text)"], predicate: null },
      { schema: 'public', table: 'tv_post', name: 'tv_post_pkey', method: 'btree', unique: true, keys: ['id'], predicate: null },
    ]);
  });

  it('is byte-stable: a second introspection writes the same file', async () => {
    const again = await runCli(['introspect', '--database-url', db.url], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(snapshotText);
  });

  it('compiles to byte-identical output from the snapshot and from the live database', async () => {
    const common = ['--schema', BLOG_SCHEMA, '--operations', BLOG_OPERATIONS, '--operations', BLOG_MUTATIONS];
    const live = await runCli([...common, '--out', 'live', '--database-url', db.url], dir);
    const snap = await runCli([...common, '--out', 'snap', '--metadata', 'fraise.metadata.json'], dir);
    expect([live.code, snap.code]).toEqual([0, 0]);
    expect(snap.stderr).toBe(live.stderr); // the same warnings
    const liveFiles = await readTree(path.join(dir, 'live'));
    const snapFiles = await readTree(path.join(dir, 'snap'));
    expect(liveFiles.size).toBe((33 + 6) * 3 + 3 + 2); // 33 queries and 6 mutations, the index, the manifest and the schema
    expect([...snapFiles.keys()]).toEqual([...liveFiles.keys()]);
    for (const [name, text] of liveFiles) expect(snapFiles.get(name), name).toBe(text);
  });

  it('reports a malformed snapshot at its position', async () => {
    const broken = await tempProject({ 'bad.json': '{\n  "format": "fraise-metadata",\n  "version": 1,\n}\n' });
    const run = await runCli(['--schema', BLOG_SCHEMA, '--operations', BLOG_OPERATIONS, '--out', 'out', '--metadata', 'bad.json'], broken);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.json:4:1: error FRAISE_BAD_METADATA: The metadata snapshot is not valid JSON: /);
  });
});
