// Compile-time checks of @function against the functions' signatures in the database.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, formatDiagnostic } from '../../compiler/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-signatures-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function diagnostics(mutation: string): Promise<string[]> {
  const schema = `type Post @view(name: "v_post") { id: ID! title: String! }
type Query { posts: [Post!]! }
type Res { status: String! message: String }
${mutation}`;
  await writeFile(path.join(dir, 'schema.graphql'), schema);
  await writeFile(path.join(dir, 'ops.graphql'), 'query Q { posts { id } }');
  const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

describe('@function signatures', () => {
  it('accepts matching named arguments', async () => {
    expect(await diagnostics('type Mutation { u(id: ID!, title: String): Res! @function(name: "fn_update_post") }')).toEqual([]);
  });

  it('refuses an argument without a parameter, at the argument', async () => {
    expect(await diagnostics('type Mutation { u(id: ID!, colour: String): Res! @function(name: "fn_update_post") }')).toEqual([
      'schema.graphql:4:28: error FRAISE_FUNCTION_MISMATCH: Argument "colour" of mutation field "u" has no parameter in function "fn_update_post" of mutation field "u".\n' +
        '4 | type Mutation { u(id: ID!, colour: String): Res! @function(name: "fn_update_post") }\n' +
        '                               ^\n' +
        'hint: Parameters: p_id uuid, p_title text, p_status text; name one "colour" or "p_colour".',
    ]);
  });

  it('refuses a type that does not fit, and a parameter left without argument or default', async () => {
    const found = await diagnostics('type Mutation { u(id: Int!): Res! @function(name: "fn_update_post") }');
    expect(found.map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:19: error FRAISE_FUNCTION_MISMATCH: Argument "id: Int!" of mutation field "u" does not fit parameter "p_id" (uuid) of function "fn_update_post".',
    ]);
    const missing = await diagnostics('type Mutation { u(title: String): Res! @function(name: "fn_update_post") }');
    expect(missing.map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:40: error FRAISE_FUNCTION_MISMATCH: Parameter "p_id" (uuid) of function "fn_update_post" of mutation field "u" has no argument and no default.',
    ]);
  });

  it('refuses unknown functions, non-jsonb non-mutation_response returns and bad result unions', async () => {
    const unknown = await diagnostics('type Mutation { u(id: ID!): Res! @function(name: "fn_nope") }');
    expect(unknown.map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:34: error FRAISE_UNKNOWN_FUNCTION: Mutation field "u" calls function "fn_nope", which does not exist in the database.',
    ]);
    const wrongReturn = await diagnostics('type Mutation { u(ts: String): Res! @function(name: "blog_iso") }');
    expect(wrongReturn.map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:37: error FRAISE_FUNCTION_MISMATCH: The function "blog_iso" of mutation field "u" returns text; it must return jsonb or a mutation_response composite (with a status).',
    ]);
    const badUnion = await diagnostics('type A { status: String } type B { message: String } union AB = A | B\ntype Mutation { u(id: ID!): AB! @function(name: "fn_update_post") }');
    expect(badUnion.map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:5:33: error FRAISE_BAD_MUTATION_RESULT: Union "AB" of mutation field "u" must have two members, one named *Success and one *Error.',
    ]);
  });

  it('resolves a function name as PostgreSQL does: schema-qualified, or along the search path', async () => {
    await db.pool.query(`
      CREATE SCHEMA IF NOT EXISTS app;
      CREATE FUNCTION app.fn_archive_post(p_id uuid) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
      CREATE FUNCTION app.fn_update_post(p_id uuid, p_title text) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;`);
    expect(await diagnostics('type Mutation { u(id: ID!): Res! @function(name: "app.fn_archive_post") }')).toEqual([]);
    expect(await diagnostics('type Mutation { u(id: ID!): Res! @function(name: "APP.FN_ARCHIVE_POST") }')).toEqual([]);
    // app is not on the search path: unqualified, the function is unknown.
    expect((await diagnostics('type Mutation { u(id: ID!): Res! @function(name: "fn_archive_post") }')).map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:34: error FRAISE_UNKNOWN_FUNCTION: Mutation field "u" calls function "fn_archive_post", which does not exist in the database.',
    ]);
    // The app overload does not make public.fn_update_post ambiguous, nor the other way round.
    expect(await diagnostics('type Mutation { u(id: ID!, title: String): Res! @function(name: "fn_update_post") }')).toEqual([]);
    expect((await diagnostics('type Mutation { u(id: ID!): Res! @function(name: "app.fn_update_post") }')).map((d) => d.split('\n')[0])).toEqual([
      'schema.graphql:4:34: error FRAISE_FUNCTION_MISMATCH: Parameter "p_title" (text) of function "app.fn_update_post" of mutation field "u" has no argument and no default.',
    ]);
  });
});
