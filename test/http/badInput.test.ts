// Hostile variables over HTTP: deeply nested and very long values, fixed cases and fast-check
// generated ones. Every answer is a clear GraphQL error (400, BAD_USER_INPUT or BAD_REQUEST), never
// a 500, and none of them reaches the database (the pool's checkouts are counted).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createHandler, createRuntime, type CompiledOperation } from '../../runtime/index.js';
import { compileBlogFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listen, post, type Listening, type Reply } from './support.js';

let db: TestDatabase;
let server: Listening;
let ops: Record<string, CompiledOperation>;
let connects = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  const fixture = await compileBlogFixture(db.url, 'http-bad-input');
  ops = fixture.operationsByName;
  db.pool.on('acquire', () => void connects++);
  server = await listen(createHandler({ pool: db.pool, operations: Object.values(fixture.operations), maxBodyBytes: 4 * 1024 * 1024 }));
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** `depth` arrays around `inner`, as JSON text (built as text: JSON.stringify would recurse as deep). */
function nestedArrays(depth: number, inner = '1'): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

function nestedObjects(depth: number, key: string): string {
  return `${`{"${key}":`.repeat(depth)}{}${'}'.repeat(depth)}`;
}

async function send(operation: string, variablesJson: string): Promise<Reply> {
  const before = connects;
  const reply = await post(server.url, `{"documentId":"sha256:${ops[operation]!.id}","variables":${variablesJson}}`);
  expect(connects, 'a refused request must not check out a connection').toBe(before);
  return reply;
}

function codes(reply: Reply): unknown[] {
  return ((reply.json as { errors?: { extensions?: { code?: unknown } }[] } | undefined)?.errors ?? []).map((e) => e.extensions?.code);
}

describe('deeply nested variables', () => {
  it('a list variable nested 10,000 arrays deep is a 400 naming the variable', async () => {
    const reply = await send('PostsByTitle', `{"titles":${nestedArrays(10_000)}}`);
    expect([reply.status, reply.json]).toEqual([400, {
      errors: [{
        message: 'Variable "$titles" is nested more than 100 levels deep (lists and input objects); no input type of this server needs that.',
        extensions: { code: 'BAD_USER_INPUT' },
      }],
    }]);
  });

  it('up to 100 levels reach the variable checks, which name the type expected', async () => {
    const at = await send('PostsByTitle', `{"titles":${nestedArrays(100, '"a"')}}`);
    expect([at.status, at.json]).toEqual([400, {
      // The message quotes the value 20 levels deep (runtime/coerce.ts SHOW_MAX_DEPTH).
      errors: [{ message: `Variable "$titles" got invalid value ${'['.repeat(20)}[…]${']'.repeat(20)}; expected type "[String!]".`, extensions: { code: 'BAD_USER_INPUT' } }],
    }]);
    const over = await send('PostsByTitle', `{"titles":${nestedArrays(101, '"a"')}}`);
    expect([over.status, codes(over), (over.json as { errors: { message: string }[] }).errors[0]!.message]).toEqual([
      400, ['BAD_USER_INPUT'], expect.stringContaining('nested more than 100 levels deep'),
    ]);
  });

  it('a scalar variable holding 10,000 nested arrays is a 400', async () => {
    const reply = await send('UserById', `{"id":${nestedArrays(10_000)}}`);
    expect([reply.status, codes(reply)]).toEqual([400, ['BAD_USER_INPUT']]);
  });

  it('a whole-variable where nested 10,000 levels deep (_and/_or/_not) is a 400', async () => {
    for (const key of ['AND', 'OR', 'NOT', '_and', '_or', '_not', 'author']) {
      const reply = await send('FraiseqlDocDictWhere', `{"where":${nestedObjects(10_000, key)}}`);
      expect([key, reply.status, codes(reply)]).toEqual([key, 400, ['BAD_USER_INPUT']]);
    }
    const lists = await send('FraiseqlDocDictWhere', `{"where":{"OR":${nestedArrays(10_000, '{}')}}}`);
    expect([lists.status, codes(lists)]).toEqual([400, ['BAD_USER_INPUT']]);
  });

  it('a JSON document nested 100,000 deep is refused as bad JSON or bad input, not a 500', async () => {
    const reply = await send('UserById', `{"id":${nestedArrays(100_000)}}`);
    expect(reply.status).toBe(400);
    expect(codes(reply)).toHaveLength(1);
  });
});

describe('deeply nested variables without HTTP (runtime.execute and runtime.stream)', () => {
  it('get the same clear error, and reach no connection', async () => {
    const runtime = createRuntime({ pool: db.pool });
    const titles = JSON.parse(nestedArrays(10_000)) as unknown;
    const error = { message: 'Variable "$titles" is nested more than 100 levels deep (lists and input objects); no input type of this server needs that.', extensions: { code: 'BAD_USER_INPUT' } };
    const before = connects;
    expect(await runtime.execute(ops['PostsByTitle']!, { titles })).toEqual({ errors: [error] });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => void chunks.push(c));
    await runtime.stream(ops['PostsByTitle']!, { titles }, out);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ errors: [error] });
    expect(connects).toBe(before);
  });
});

describe('very long variables', () => {
  it('a 1 MB string for an ID is refused before SQL', async () => {
    const reply = await send('UserById', JSON.stringify({ id: 'x'.repeat(1024 * 1024) }));
    expect([reply.status, codes(reply)]).toEqual([400, ['BAD_USER_INPUT']]);
  });

  it('a list of 100,000 strings and a 1 MB string inside a where are answered without a 500', async () => {
    const many = await send('PostsByTitle', JSON.stringify({ titles: Array.from({ length: 100_000 }, () => true) }));
    expect([many.status, codes(many)]).toEqual([400, ['BAD_USER_INPUT']]);
    const before = connects;
    const long = await post(server.url, { documentId: `sha256:${ops['FraiseqlDocDictWhere']!.id}`, variables: { where: { name: { eq: 'y'.repeat(1024 * 1024) } } } });
    expect(long.status).toBe(200);
    expect(long.json).toEqual({ data: { users: [] } });
    expect(connects).toBe(before + 1);
  });
});

describe('generated hostile variables (fast-check)', () => {
  const deep = fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('[', '{"OR":', '{"_not":', '{"eq":')).map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}${open === '[' ? '1' : '{}'}${close.repeat(depth)}`;
  });
  const long = fc.tuple(fc.integer({ min: 10_000, max: 500_000 }), fc.constantFrom('"', '[')).map(([n, kind]) =>
    kind === '"' ? JSON.stringify('z'.repeat(n)) : `[${Array.from({ length: Math.ceil(n / 8) }, () => '"abc"').join(',')}]`,
  );
  /** Operations of the blog fixture and their variables (from fixtures/blog/operations/). */
  const variablesOf: Record<string, readonly string[]> = {
    UserById: ['id'],
    PostsByTitle: ['title', 'titles'],
    FraiseqlDocDictWhere: ['where'],
    PostsByRatingRange: ['min', 'max', 'ratings', 'notTitles'],
    SearchPosts: ['where', 'orderBy', 'limit', 'offset'],
  };

  it('never answer 500, and refuse before SQL what does not fit the variable types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(variablesOf)), fc.oneof(deep, long), async (operation, value) => {
        const names = variablesOf[operation]!;
        const variables = `{${names.map((n) => `${JSON.stringify(n)}:${value}`).join(',')}}`;
        const before = connects;
        const reply = await post(server.url, `{"documentId":"sha256:${ops[operation]!.id}","variables":${variables}}`);
        expect(reply.status).not.toBe(500);
        expect(reply.json).toBeTypeOf('object');
        if (reply.status === 400) expect(connects).toBe(before);
      }),
      { numRuns: 40 },
    );
  });
});
