// Mutations against real PostgreSQL: each input and result style of the blog fixture's write
// functions, the status-string mapping, one transaction per operation, database errors with
// stable codes, and bounded retries of serialization failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type CompiledOperation, type Runtime } from '../../runtime/index.js';
import { compileMutations } from '../support/compileMutations.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { Collector } from '../runtime/writables.js';

const ALICE = '11111111-1111-4111-8111-000000000001';
const POST_1 = '22222222-2222-4222-8222-000000000001';
const NEW_POST = 'dddddddd-0000-4000-8000-0000000000a1';
const NEW_COMMENT = 'dddddddd-0000-4000-8000-0000000000c1';

let db: TestDatabase;
let ops: Readonly<Record<string, CompiledOperation>>;
let runtime: Runtime;
const op = (name: string): CompiledOperation => {
  const found = ops[name];
  if (!found) throw new Error(`operation ${name} was not compiled`);
  return found;
};

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`
    CREATE FUNCTION fn_echo_status(p_status text) RETURNS mutation_response LANGUAGE sql AS
      $$ SELECT ROW(p_status, 'message of ' || p_status, NULL, NULL, NULL, NULL, NULL, NULL)::mutation_response $$;
    CREATE SEQUENCE flaky_calls;
    -- Fails with a serialization failure until it was called more than p_failures times.
    CREATE FUNCTION fn_flaky(p_failures integer) RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE n bigint := nextval('flaky_calls');
    BEGIN
      IF n <= p_failures THEN
        RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
      END IF;
      RETURN jsonb_build_object('attempts', n);
    END $$;
  `);
  ops = await compileMutations(db.url, 'mutations', {
    schema: ['test/mutations/fixtures/extra.graphql'],
    operations: ['test/mutations/fixtures/extra-operations.graphql'],
  });
  runtime = createRuntime({ pool: db.pool });
});
afterAll(() => db?.drop());

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, values);
  return Number(rows[0]!.n);
}

describe('jsonb results', () => {
  it('an input object becomes jsonb with snake_case keys; the union member comes from __typename', async () => {
    const result = await runtime.execute(op('CreatePost'), {
      input: { id: NEW_POST, authorId: ALICE, title: 'Fresh post', body: 'Hello.', status: 'PUBLISHED', tagNames: ['jsonb', 'SQL'] },
    });
    expect(result).toEqual({
      data: {
        createPost: {
          __typename: 'CreatePostSuccess',
          post: { id: NEW_POST, title: 'Fresh post', status: 'PUBLISHED', tags: [{ name: 'SQL' }, { name: 'jsonb' }], author: ALICE },
        },
      },
    });
    expect(await count(`tb_post WHERE id = $1 AND body = 'Hello.'`, [NEW_POST])).toBe(1);
    expect(await count(`tv_post WHERE id = $1`, [NEW_POST])).toBe(1);
  });

  it('the error member, with only the selected fields', async () => {
    expect(await runtime.execute(op('CreatePost'), { input: { authorId: ALICE, title: '  ' } })).toEqual({
      data: { createPost: { __typename: 'CreatePostError', code: 'VALIDATION', message: 'The title must not be blank.', field: 'title' } },
    });
  });

  it('literal input objects with variables inside, field defaults applied; unselected members are empty', async () => {
    expect(await runtime.execute(op('CreatePostLiteral'), { authorId: ALICE, title: 'Literal' })).toEqual({
      data: {
        createPost: {
          post: { id: 'dddddddd-0000-4000-8000-000000000001', title: 'Literal', status: 'DRAFT', tags: [{ name: 'SQL' }, { name: 'Zig' }] },
        },
      },
    });
    expect(await runtime.execute(op('CreatePostLiteral'), { authorId: ALICE, title: '' })).toEqual({ data: { createPost: {} } });
  });

  it('an object result projects the returned jsonb by the selection', async () => {
    const result = await runtime.execute(op('AddComment'), {
      input: { id: NEW_COMMENT, postId: POST_1, authorId: ALICE, body: 'Nice one.' },
    });
    expect(result).toEqual({ data: { addComment: { id: NEW_COMMENT, body: 'Nice one.', likes: 0 } } });
  });
});

describe('mutation_response results', () => {
  it('named arguments; a success status picks the *Success member with entity, updated fields and cascade', async () => {
    expect(await runtime.execute(op('UpdatePost'), { id: POST_1, title: 'Renamed', status: 'ARCHIVED' })).toEqual({
      data: {
        updatePost: {
          __typename: 'UpdatePostSuccess',
          status: 'updated',
          message: 'Post updated.',
          post: { id: POST_1, title: 'Renamed', status: 'ARCHIVED' },
          updatedFields: ['title', 'status'],
          cascade: { updated: [{ __typename: 'Post', id: POST_1, operation: 'UPDATED' }] },
        },
      },
    });
  });

  it('noop:* is a success without change', async () => {
    expect(await runtime.execute(op('UpdatePost'), { id: POST_1, title: 'Renamed' })).toEqual({
      data: {
        updatePost: {
          __typename: 'UpdatePostSuccess',
          status: 'noop:unchanged',
          message: 'Nothing to change.',
          post: { id: POST_1, title: 'Renamed', status: 'ARCHIVED' },
          updatedFields: [],
          cascade: null,
        },
      },
    });
  });

  it('an error status picks the *Error member: code, identifier, message, details, errors', async () => {
    const missing = '22222222-2222-4222-8222-999999999999';
    expect(await runtime.execute(op('UpdatePost'), { id: missing })).toEqual({
      data: {
        updatePost: {
          __typename: 'UpdatePostError',
          status: 'not_found:post',
          code: 'not_found',
          identifier: 'post',
          message: 'No post with this id.',
          details: { id: missing },
          errors: [{ code: 'not_found', identifier: 'post', message: 'No post with this id.' }],
        },
      },
    });
    expect(await runtime.execute(op('UpdatePost'), { id: POST_1, title: ' ' })).toEqual({
      data: {
        updatePost: {
          __typename: 'UpdatePostError',
          status: 'validation:title',
          code: 'validation',
          identifier: 'title',
          message: 'The title must not be blank.',
          details: { field: 'title' },
          errors: [{ code: 'validation', identifier: 'title', message: 'The title must not be blank.' }],
        },
      },
    });
  });

  it('an object result type reads the composite whatever the status', async () => {
    expect(await runtime.execute(op('DeletePost'), { id: NEW_POST })).toEqual({
      data: { deletePost: { status: 'deleted', message: 'Post deleted.', entityId: NEW_POST, post: { id: NEW_POST, title: 'Fresh post' } } },
    });
    expect(await runtime.execute(op('DeletePost'), { id: NEW_POST })).toEqual({
      data: { deletePost: { status: 'not_found:post', message: 'No post with this id.', entityId: NEW_POST, post: null } },
    });
    expect(await count(`tb_post WHERE id = $1`, [NEW_POST])).toBe(0);
  });

  const success = ['success', 'created', 'updated', 'deleted', 'new', 'existing', 'ok', 'noop:unchanged', 'noop', 'created:post'];
  const failure: [string, string, string | null][] = [
    ['failed:database', 'failed', 'database'],
    ['validation:title_blank', 'validation', 'title_blank'],
    ['not_found:post', 'not_found', 'post'],
    ['conflict:duplicate_slug', 'conflict', 'duplicate_slug'],
    ['unauthorized:token', 'unauthorized', 'token'],
    ['forbidden:not_owner', 'forbidden', 'not_owner'],
    ['timeout:lock', 'timeout', 'lock'],
    ['blocked:rate_limit', 'blocked', 'rate_limit'],
    ['failed', 'failed', null],
    ['something_else', 'something_else', null],
  ];
  it.each(success)('status %s maps to the success member', async (status) => {
    expect(await runtime.execute(op('EchoStatus'), { status })).toEqual({
      data: { echoStatus: { __typename: 'UpdatePostSuccess', status, message: `message of ${status}` } },
    });
  });
  it.each(failure)('status %s maps to the error member (code %s, identifier %s)', async (status, code, identifier) => {
    expect(await runtime.execute(op('EchoStatus'), { status })).toEqual({
      data: { echoStatus: { __typename: 'UpdatePostError', code, identifier, message: `message of ${status}` } },
    });
  });
});

describe('transactions and errors', () => {
  it('runs several mutation fields in order in one transaction', async () => {
    const post = 'dddddddd-0000-4000-8000-0000000000a2';
    const comment = 'dddddddd-0000-4000-8000-0000000000c2';
    // The second field comments on the post the first one created: it must see it.
    expect(
      await runtime.execute(op('CreateAndComment'), {
        post: { id: post, authorId: ALICE, title: 'First' },
        comment: { id: comment, postId: post, authorId: ALICE, body: 'Second' },
      }),
    ).toEqual({ data: { __typename: 'Mutation', first: { post: { id: post } }, second: { id: comment, body: 'Second' } } });
    expect(await count(`tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post WHERE p.id = $1`, [post])).toBe(1);
  });

  it('a failing second mutation rolls back the first (CHECK constraint, with its name)', async () => {
    const post = 'dddddddd-0000-4000-8000-0000000000a3';
    const before = await count('tb_post');
    expect(
      await runtime.execute(op('CreateAndComment'), {
        post: { id: post, authorId: ALICE, title: 'Never kept' },
        comment: { postId: post, authorId: ALICE, body: '   ' },
      }),
    ).toEqual({
      data: null,
      errors: [
        {
          message: 'A value does not satisfy a check constraint.',
          path: ['second'],
          extensions: { code: 'CHECK_VIOLATION', sqlState: '23514', constraint: 'ck_comment_body_not_blank' },
        },
      ],
    });
    expect(await count('tb_post WHERE id = $1', [post])).toBe(0);
    expect(await count('tb_post')).toBe(before);
  });

  it('an exception raised by the function keeps its code and its message, never SQL', async () => {
    const nobody = '11111111-1111-4111-8111-999999999999';
    expect(await runtime.execute(op('CreatePost'), { input: { authorId: nobody, title: 'Orphan' } })).toEqual({
      data: null,
      errors: [{ message: `No author with id ${nobody}.`, path: ['createPost'], extensions: { code: 'NOT_FOUND', sqlState: 'P0002' } }],
    });
    // A value PostgreSQL refuses (not a uuid) is INVALID_VALUE, without PostgreSQL's message.
    expect(await runtime.execute(op('UpdatePost'), { id: 'not-a-uuid' })).toEqual({
      data: null,
      errors: [{ message: 'A value is not valid for the database.', path: ['updatePost'], extensions: { code: 'INVALID_VALUE', sqlState: '22P02' } }],
    });
  });

  it('retries serialization failures a bounded number of times', async () => {
    expect(await runtime.execute(op('Flaky'), { failures: 2 })).toEqual({ data: { flaky: { attempts: 3 } } });
    await db.pool.query(`SELECT setval('flaky_calls', 1, false)`);
    expect(await runtime.execute(op('Flaky'), { failures: 10 })).toEqual({
      data: null,
      errors: [
        {
          message: 'could not serialize access', // raised by the function itself: its own message
          path: ['flaky'],
          extensions: { code: 'SERIALIZATION_FAILURE', sqlState: '40001' },
        },
      ],
    });
    const { rows } = await db.pool.query<{ n: string }>(`SELECT last_value AS n FROM flaky_calls`);
    expect(rows).toEqual([{ n: '3' }]); // three attempts, then the error
  });

  it('bad variables never reach the database', async () => {
    expect(await runtime.execute(op('CreatePost'), { input: { authorId: ALICE, title: 'x', colour: 'red' } })).toEqual({
      errors: [
        {
          message: 'Variable "$input" got invalid value {"authorId":"11111111-1111-4111-8111-000000000001","title":"x","colour":"red"}; expected type "CreatePostInput!": unknown field "colour" in CreatePostInput.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(await runtime.execute(op('CreatePost'), { input: { title: 'x' } })).toEqual({
      errors: [
        {
          message: 'Variable "$input" got invalid value {"title":"x"}; expected type "CreatePostInput!": field "authorId" of CreatePostInput is required.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(await runtime.execute(op('CreatePost'), { input: { authorId: ALICE, title: 'x', tagNames: [1] } })).toEqual({
      errors: [
        {
          message: 'Variable "$input" got invalid value {"authorId":"11111111-1111-4111-8111-000000000001","title":"x","tagNames":[1]}; expected type "CreatePostInput!": field "tagNames" of CreatePostInput is not a valid [String!].',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });

  it('stream writes the same response', async () => {
    const sink = new Collector();
    await runtime.stream(op('EchoStatus'), { status: 'ok' }, sink);
    expect(JSON.parse(sink.text)).toEqual({ data: { echoStatus: { __typename: 'UpdatePostSuccess', status: 'ok', message: 'message of ok' } } });
  });
});
