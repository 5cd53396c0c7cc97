// Bad variables become GraphQL errors with exact messages, and never reach the database: the
// pool is never even asked for a connection.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../runtime/index.js';
import { compileBlogFixture, type GeneratedFixture } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let fixture: GeneratedFixture;
let pool: pg.Pool;
let runtime: Runtime;
let acquired = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await compileBlogFixture(db.url, 'blog-variables');
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('acquire', () => acquired++);
  runtime = createRuntime({ pool });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const bad = (message: string) => ({ message, extensions: { code: 'BAD_USER_INPUT' } });

describe('variable coercion', () => {
  const cases: [string, string, Record<string, unknown> | null, unknown[]][] = [
    ['missing required', 'UserById', {}, [bad('Variable "$id" of required type "ID!" was not provided.')]],
    ['null for non-null', 'UserById', { id: null }, [bad('Variable "$id" of non-null type "ID!" must not be null.')]],
    ['no variables at all', 'UserById', null, [bad('Variable "$id" of required type "ID!" was not provided.')]],
    ['wrong scalar type', 'UserById', { id: true }, [bad('Variable "$id" got invalid value true; expected type "ID!".')]],
    [
      'not a UUID for a uuid column',
      'UserById',
      { id: "1' OR '1'='1" },
      [bad(`Variable "$id" got invalid value "1' OR '1'='1"; it is compared with a uuid column, so it must be a UUID.`)],
    ],
    ['Int out of range', 'PostsPage', { offset: 2 ** 31 }, [bad('Variable "$offset" got invalid value 2147483648; expected type "Int".')]],
    ['negative offset', 'PostsPage', { offset: -1 }, [bad('Variable "$offset" must not be negative.')]],
    ['float for Int', 'PostsPage', { offset: 1.5 }, [bad('Variable "$offset" got invalid value 1.5; expected type "Int".')]],
    ['unknown enum value', 'UsersByRole', { roles: ['ADMIN', 'ROOT'] }, [bad('Variable "$roles" got invalid value ["ADMIN","ROOT"]; expected type "[UserRole!]".')]],
    ['bad DateTime', 'UsersByRole', { createdAfter: 'yesterday' }, [bad('Variable "$createdAfter" got invalid value "yesterday"; expected type "DateTime".')]],
    [
      'explicit null for a filter operator',
      'UsersByRole',
      { roles: null },
      [bad('Variable "$roles" is null, but it is the value of a filter operator; omit it to leave the filter out, or use isnull.')],
    ],
    [
      'several errors at once',
      'UsersByRole',
      { roles: 'ADMIN', excludeRoles: 7, createdAfter: 3 },
      [
        bad('Variable "$excludeRoles" got invalid value 7; expected type "[UserRole!]".'),
        bad('Variable "$createdAfter" got invalid value 3; expected type "DateTime".'),
      ],
    ],
  ];
  for (const [name, operation, variables, errors] of cases) {
    it(name, async () => {
      const op = fixture.operationsByName[operation]!;
      expect(await runtime.execute(op, variables)).toEqual({ errors });
      expect(acquired).toBe(0);
    });
  }

  it('coerces a single value to a list, as GraphQL input coercion does', async () => {
    const result = await runtime.execute(fixture.operationsByName['UsersByRole']!, { roles: 'ADMIN' });
    const users = (result.data as { users: { role: string }[] }).users;
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users.map((u) => u.role))).toEqual(new Set(['ADMIN']));
  });
});
