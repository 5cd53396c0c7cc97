// Root lists with a literal limit above 1000 rows come as rows of 100 elements each
// (ResultShape `chunk`): the exact answer in the list's order through execute, stream and HTTP with
// any batch size, marked nulls completed at their index in the whole list, and the element count
// reported. graphql-js over the same rows is the reference.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, executeSync, parse, type GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation, type OperationEvent, type Runtime } from '../../runtime/index.js';
import { compileProjectTo, repoRoot, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening } from '../http/support.js';
import { Collector } from './writables.js';

const here = path.join(repoRoot, 'test/runtime/chunked');

interface EntryRow {
  readonly id: string;
  readonly data: Record<string, unknown>;
}

let db: TestDatabase;
let fixture: GeneratedFixture;
let runtime: Runtime;
let server: Listening;
let oneChunkPerFetch: Listening;
let rows: EntryRow[];
const events: OperationEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(await readFile(path.join(here, 'schema.sql'), 'utf8'));
  fixture = await compileProjectTo(db.url, 'chunked-list', ['test/runtime/chunked/schema.graphql'], ['test/runtime/chunked/operations.graphql']);
  runtime = createRuntime({ pool: db.pool });
  server = await listen(createHandler({ pool: db.pool, operations: fixture.operations, onOperation: (event) => void events.push(event) }));
  // 100 elements per fetch: one chunk row per round trip
  oneChunkPerFetch = await listen(createHandler({ pool: db.pool, operations: fixture.operations, batchSize: 100 }));
  rows = (await db.pool.query<EntryRow>('SELECT id, data FROM ck.v_entry')).rows;
});
afterAll(async () => {
  await server?.close();
  await oneChunkPerFetch?.close();
  await db?.drop();
});

/** graphql-js over the view's rows, ordered by id as the operations ask. */
function oracle(op: CompiledOperation): unknown {
  const schema = buildSchema(fixture.files.get('schema.graphql')!);
  const resolve: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (source, args, _ctx, info) => {
    if (info.parentType.name !== 'Query') return (source as EntryRow).data[info.fieldName] ?? null;
    const where = args['where'] as { id?: { eq?: string } } | undefined;
    const descending = (args['orderBy'] as Record<string, string>[] | undefined)?.[0]?.['id'] === 'DESC';
    const found = rows.filter((r) => where?.id?.eq === undefined || r.id === where.id.eq).sort((a, b) => (a.id < b.id ? -1 : 1));
    return descending ? found.reverse() : found;
  };
  return JSON.parse(JSON.stringify(executeSync({ schema, document: parse(op.body), fieldResolver: resolve })));
}

const op = (name: string): CompiledOperation => fixture.operationsByName[name] as CompiledOperation;

describe('a list read in chunks of 100 elements', () => {
  it('is one statement whose rows each hold a count and up to 100 elements', async () => {
    expect(op('Notes').shape).toEqual({ kind: 'list', key: 'entries', chunk: 100 });
    const text = op('Notes').statements[0]!.text;
    expect(text.startsWith(`SELECT count(*)::text || ',' || string_agg(c2.j::text, ',' ORDER BY c2.n)\n`)).toBe(true);
    expect(text).toContain('row_number() OVER (ORDER BY s1.o0 DESC) AS n');
    expect(text.endsWith('GROUP BY (c2.n - 1) / 100\nORDER BY (c2.n - 1) / 100')).toBe(true);
    const { rows: raw } = await db.pool.query<{ r: string }>({ text, rowMode: 'array' } as never);
    const chunks = (raw as unknown as string[][]).map((r) => r[0]!);
    expect(chunks.map((c) => c.slice(0, c.indexOf(',')))).toEqual(['100', '100', '50']);
    // e250, e249, ... in the first; the last holds e050 .. e001
    expect(chunks[0]!.startsWith('100,{"id" : "e250", "note" : "note 250"},{"id" : "e249"')).toBe(true);
    expect(chunks[2]!.endsWith('{"id" : "e001", "note" : "note 1"}')).toBe(true);
  });

  it('answers as graphql-js, through execute, HTTP and one chunk per round trip, and counts elements', async () => {
    const expected = oracle(op('Notes'));
    expect((expected as { data: { entries: unknown[] } }).data.entries).toHaveLength(250);
    expect((expected as { data: { entries: { id: string }[] } }).data.entries[0]).toEqual({ id: 'e250', note: 'note 250' });
    expect(await runtime.execute(op('Notes'), {})).toEqual(expected);
    events.length = 0;
    const reply = await post(server.url, { query: op('Notes').body });
    expect(reply.json).toEqual(expected);
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(events[0]).toMatchObject({ operationName: 'Notes', rows: 250, complete: true });
    expect((await post(oneChunkPerFetch.url, { query: op('Notes').body })).json).toEqual(expected);
  });

  it('an empty list is no row: []', async () => {
    expect(oracle(op('NoneFound'))).toEqual({ data: { entries: [] } });
    expect(await runtime.execute(op('NoneFound'), {})).toEqual({ data: { entries: [] } });
    expect((await post(server.url, { query: op('NoneFound').body })).json).toEqual({ data: { entries: [] } });
  });
});

describe('runtime.stream of a chunked list', () => {
  it('writes every chunk row as its own piece (no copy into one string), the pieces making the exact JSON', async () => {
    const sink = new Collector();
    await runtime.stream(op('Notes'), {}, sink);
    expect(JSON.parse(sink.text)).toEqual(oracle(op('Notes')));
    // the frame, three chunks (e250..e151, e150..e051, e050..e001), each after the first led by
    // its separating comma, and the closing frame
    expect(sink.chunks).toHaveLength(5);
    expect(sink.chunks[0]).toBe('{"data":{"entries":[');
    expect(sink.chunks[1]!.startsWith('{"id" : "e250", "note" : "note 250"},')).toBe(true);
    expect(sink.chunks[2]!.startsWith(',{"id" : "e150", "note" : "note 150"},')).toBe(true);
    expect(sink.chunks[3]!.startsWith(',{"id" : "e050", "note" : "note 50"},')).toBe(true);
    expect(sink.chunks[3]!.endsWith('{"id" : "e001", "note" : "note 1"}')).toBe(true);
    expect(sink.chunks[4]).toBe(']}}');
  });

  it('a chunk completed for a marked null keeps its separator', async () => {
    const sink = new Collector();
    await runtime.stream(op('LabelsOfMaybe'), {}, sink);
    expect(JSON.parse(sink.text)).toEqual(oracle(op('LabelsOfMaybe')));
  });
});

describe('null marks inside a chunk', () => {
  it('a null in a nullable element: that element is null, the error has its index in the whole list', async () => {
    const expected = oracle(op('LabelsOfMaybe'));
    expect(expected).toMatchObject({ errors: [{ message: 'Cannot return null for non-nullable field Entry.label.', path: ['maybeEntries', 137, 'label'] }] });
    expect((expected as { data: { maybeEntries: unknown[] } }).data.maybeEntries[137]).toBeNull();
    expect(await runtime.execute(op('LabelsOfMaybe'), {})).toEqual(expected);
    expect((await post(server.url, { query: op('LabelsOfMaybe').body })).json).toEqual(expected);
    expect((await post(oneChunkPerFetch.url, { query: op('LabelsOfMaybe').body })).json).toEqual(expected);
  });

  it('a null in a non-null element propagates to data; once a chunk was written, the stream is cut off', async () => {
    const expected = oracle(op('Labels'));
    expect(expected).toMatchObject({ data: null, errors: [{ path: ['entries', 137, 'label'] }] });
    expect(await runtime.execute(op('Labels'), {})).toEqual(expected);
    // 1000 elements per fetch: all three chunks in the first batch, so nothing was written yet
    expect((await post(server.url, { query: op('Labels').body })).json).toEqual(expected);
    // the first chunk (elements 0-99) is written before the second, which holds index 137
    await expect(post(oneChunkPerFetch.url, { query: op('Labels').body })).rejects.toThrow();
  });
});
