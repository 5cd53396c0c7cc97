// @authenticated / @requiresScopes end to end: for many callers (anonymous, no scopes, roles that
// imply others, scope sets), every query of the fixture through createHandler equals the reference
// executor (graphql-js) whose resolvers refuse exactly the fields a plain-JS oracle of Apollo
// Router's directive semantics refuses: same data (null propagation included) and the same errors
// (path with list indices, code). The oracle reads the SDL's directives itself; it shares no code
// with the compiler or the runtime.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type ConstDirectiveNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createRuntime, type CompiledOperation } from '../../runtime/index.js';
import { listen, post, type Listening } from '../http/support.js';
import { repoRoot } from '../support/compileFixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { executeReference } from '../support/referenceExecutor.js';
import { bearer, compileAuthFixture, CountingPool, sign } from './support.js';
import { SECRET } from './support.js';

const SDL = readFileSync(path.join(repoRoot, 'test/auth/fixtures/schema.graphql'), 'utf8');
const DOCUMENT = readFileSync(path.join(repoRoot, 'test/auth/fixtures/operations.graphql'), 'utf8');
const IMPLIES = { admin: ['editor'], editor: ['viewer', 'stats'], viewer: ['posts:read'] };
const UNIVERSE = ['users:email', 'admin', 'editor', 'viewer', 'users:identifier', 'stats', 'posts:read', 'ratings', 'comments:read'];

// ---- the oracle ------------------------------------------------------------------------------
interface Caller {
  readonly anonymous: boolean;
  readonly roles: readonly string[];
}

/** Held scopes: the granted ones and, recursively, what they imply. */
function held(granted: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (scope: string): void => {
    if (out.has(scope)) return;
    out.add(scope);
    for (const implied of (IMPLIES as Record<string, string[]>)[scope] ?? []) add(implied);
  };
  granted.forEach(add);
  return out;
}

const types = new Map(
  parse(SDL).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION).map((d) => [d.name.value, d]),
);
const namedOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedOf(type.type));

/** Apollo Router: @authenticated needs a token; each @requiresScopes needs one inner list wholly held. */
function oracle(typeName: string, fieldName: string, caller: Caller): string | null {
  const field = types.get(typeName)?.fields?.find((f) => f.name.value === fieldName);
  if (!field) return null;
  const directives: ConstDirectiveNode[] = [...(field.directives ?? []), ...(types.get(namedOf(field.type))?.directives ?? [])];
  const scopes = held(caller.anonymous ? [] : caller.roles);
  if (directives.some((d) => d.name.value === 'authenticated') && caller.anonymous) return 'UNAUTHENTICATED';
  for (const d of directives.filter((d) => d.name.value === 'requiresScopes')) {
    const outer = d.arguments![0]!.value;
    if (outer.kind !== Kind.LIST) throw new Error('scopes is a list');
    const anyOf = outer.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '?')) : []));
    if (!anyOf.some((allOf) => allOf.every((s) => scopes.has(s)))) return 'FORBIDDEN';
  }
  return null;
}

/** Callers: anonymous, a token without scopes, each role alone, and pseudo-random scope sets. */
function callers(): Caller[] {
  const out: Caller[] = [{ anonymous: true, roles: [] }, { anonymous: false, roles: [] }];
  for (const scope of UNIVERSE) out.push({ anonymous: false, roles: [scope] });
  let seed = 13;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 14; i++) out.push({ anonymous: false, roles: UNIVERSE.filter(() => random() < 0.45) });
  out.push({ anonymous: false, roles: UNIVERSE });
  return out;
}

// ---- the system under test -------------------------------------------------------------------
let db: TestDatabase;
let ops: Readonly<Record<string, CompiledOperation>>;
let server: Listening;
let pool: CountingPool;
const POST_ID = '22222222-2222-4222-8222-000000000001';

beforeAll(async () => {
  db = await createTestDatabase();
  ops = await compileAuthFixture(db.url, 'auth-scopes');
  pool = new CountingPool({ connectionString: db.url, max: 3 });
  pool.on('error', () => {});
  server = await listen(
    createHandler({
      pool,
      operations: Object.values(ops),
      // Scopes from `scope` (space separated) and roles from `roles`, as the default reads them.
      auth: { jwt: { secret: SECRET }, required: false, implies: IMPLIES },
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await db?.drop();
});

async function ask(caller: Caller, name: string, variables: Record<string, unknown> = {}): Promise<{ status: number; json: { data?: unknown; errors?: { path?: unknown[]; extensions: { code: string } }[] } }> {
  // Half the roles as OAuth scopes, half as a roles claim: both count.
  const scope = caller.roles.filter((_, i) => i % 2 === 0).join(' ');
  const roles = caller.roles.filter((_, i) => i % 2 === 1);
  const headers = caller.anonymous ? {} : bearer(await sign({ sub: 'someone', scope, roles }));
  const reply = await post(server.url, { documentId: ops[name]!.id, variables }, 'application/json', headers);
  return { status: reply.status, json: reply.json as never };
}

const refusals = (errors: readonly { path?: unknown; extensions?: { code?: unknown } }[] | undefined): string[] =>
  (errors ?? []).map((e) => `${JSON.stringify(e.path)} ${String(e.extensions?.code)}`).sort();

const QUERIES: [string, Record<string, unknown>][] = [
  ['PublicUsers', {}],
  ['UserEmails', {}],
  ['UserIdentifiers', {}],
  ['UserDetail', { id: '11111111-1111-4111-8111-000000000001' }],
  ['PostsWithComments', {}],
  ['PostStats', { id: POST_ID }],
  ['AdminPosts', {}],
  ['Mixed', { id: POST_ID }],
  ['OnlyRefused', { id: '33333333-3333-4333-8333-000000000001' }],
  ['NonNullRoot', {}],
];

describe('field-level authorization against the reference executor', () => {
  it('every caller, every query: same data and same refusals (path, code)', async () => {
    let compared = 0;
    let refusedSeen = 0;
    for (const caller of callers()) {
      for (const [name, variables] of QUERIES) {
        const actual = await ask(caller, name, variables);
        const expected = await executeReference({
          pool: db.pool,
          schemaSdl: SDL,
          document: DOCUMENT,
          operationName: name,
          variables,
          refuse: (type, field) => oracle(type, field, caller),
        });
        const where = `${name} as ${caller.anonymous ? 'anonymous' : JSON.stringify(caller.roles)}`;
        expect(actual.status, where).toBe(200);
        expect(actual.json.data, where).toEqual(expected.data);
        expect(refusals(actual.json.errors), where).toEqual(refusals(expected.errors as never));
        refusedSeen += actual.json.errors?.length ?? 0;
        compared++;
      }
    }
    expect(compared).toBe(callers().length * QUERIES.length);
    // The callers exercise refusals (and the all-scopes caller none).
    expect(refusedSeen).toBeGreaterThan(100);
  });

  it('an operation whose every root field is refused runs no SQL; allowed ones share one statement', async () => {
    const before = pool.connects;
    const viewer = { anonymous: false, roles: ['viewer'] };
    const reply = await ask(viewer, 'OnlyRefused', { id: '33333333-3333-4333-8333-000000000001' });
    expect(reply.json).toEqual({
      data: { adminPosts: null, comment: null },
      errors: [
        { message: "The caller's scopes do not allow reading this field", path: ['adminPosts'], extensions: { code: 'FORBIDDEN' } },
        { message: "The caller's scopes do not allow reading this field", path: ['comment'], extensions: { code: 'FORBIDDEN' } },
      ],
    });
    // A non-null root field refused: data is null.
    const anonymous = await ask({ anonymous: true, roles: [] }, 'NonNullRoot');
    expect(anonymous.json).toEqual({
      data: null,
      errors: [{ message: 'Authentication is required to read this field', path: ['posts'], extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(pool.connects).toBe(before);
    // Whatever the caller may see, the operation has one statement (no statement per scope set).
    for (const [name] of QUERIES) expect(ops[name]!.statements, name).toHaveLength(1);
  });

  it('guarded fields are read in SQL only when granted: without the handler they are null (fail closed)', async () => {
    const op = ops['UserEmails']!;
    expect(op.statements[0]!.text).toContain("current_setting('fraise.grants', true)");
    const runtime = createRuntime({ pool: db.pool });
    const result = (await runtime.execute(op, {})) as { data: { users: { id: string; name: string; emailAddress: unknown; bio: unknown }[] } };
    expect(result.data.users).toHaveLength(3);
    for (const user of result.data.users) {
      expect(typeof user.name).toBe('string');
      expect(user.emailAddress).toBeNull();
      expect(user.bio).toBeNull();
    }
  });

  it('a refused nested field carries list indices in its path', async () => {
    const reply = await ask({ anonymous: false, roles: ['viewer'] }, 'PostsWithComments');
    const errors = reply.json.errors!;
    expect(errors.length).toBeGreaterThan(0);
    // The viewer (posts:read) may not read views (stats and posts:read) nor comments (comments:read).
    expect(errors.map((e) => e.path)).toEqual([0, 1, 2].flatMap((i) => [['posts', i, 'views'], ['posts', i, 'comments']]));
    // editor implies viewer (posts:read) and stats: views are readable.
    const admin = await ask({ anonymous: false, roles: ['editor'] }, 'PostsWithComments');
    expect(admin.json.errors!.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['posts', i, 'comments']));
    expect((admin.json.data as { posts: { views: number }[] }).posts.every((p) => typeof p.views === 'number')).toBe(true);
  });
});
