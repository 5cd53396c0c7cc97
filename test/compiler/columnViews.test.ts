// Compile-time checks of FraiseQL's column style against the saas fixture's database: a field
// without its column, a filter argument on a missing column or with a wrong operator, a @view on a
// root field, and row-returning mutation functions bound to the wrong GraphQL type.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject } from '../../compiler/index.js';
import { SAAS_TEMPLATE_DATABASE, createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase({ template: SAAS_TEMPLATE_DATABASE });
  dir = await mkdtemp(path.join(os.tmpdir(), 'fraise-column-views-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function messages(schema: string, ops = 'query Q { plans { id } }'): Promise<string[]> {
  await writeFile(path.join(dir, 'schema.graphql'), schema);
  await writeFile(path.join(dir, 'ops.graphql'), ops);
  const result = await compileProject({ schema: ['schema.graphql'], operations: ['ops.graphql'], databaseUrl: db.url, cwd: dir });
  return result.ok ? [] : result.diagnostics.map((d) => `${d.code}: ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);
}

const PLAN = 'type Plan @view(name: "v_plan") { id: Int! slug: String! priceCents: Int! features: [String!]! }';

describe('column views at compile time', () => {
  it('accepts a view without data whose columns match the fields', async () => {
    expect(await messages(`${PLAN}\ntype Query { plans: [Plan!]! }`)).toEqual([]);
  });

  it('refuses a field without its column, listing the columns', async () => {
    expect(await messages('type Plan @view(name: "v_plan") { id: Int! price: Int! }\ntype Query { plans: [Plan!]! }')).toEqual([
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.price" reads column "price", which view "v_plan" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, slug, name, price_cents, features.',
    ]);
  });

  it('refuses a @column naming a missing column, also in a view with data', async () => {
    expect(await messages('type Comment @view(name: "v_comment") { id: Int! postId: Int! @column(name: "post") }\ntype Query { comments: [Comment!]! }', 'query Q { comments { id } }')).toEqual([
      'FRAISE_UNKNOWN_COLUMN: Field "Comment.postId" reads column "post", which view "v_comment" does not have. | Columns: id, post_id, author_id, created_at, data.',
    ]);
  });

  it('checks filter arguments: their column, their operator, list operators on list arguments', async () => {
    expect(await messages(`${PLAN}\ntype Query { plans(pirce: Int, slugs: [String!] @filter(column: "slug"), cheap: Int @filter(column: "price_cents", op: "below")): [Plan!]! }`)).toEqual([
      'FRAISE_UNKNOWN_COLUMN: Argument "pirce" of "Query.plans" filters on column "pirce", which the view of "Plan" does not have. | Name the column with @filter(column: "..."). Columns: id, slug, name, price_cents, features.',
      'FRAISE_UNSUPPORTED_ARGUMENTS: Argument "slugs" of "Query.plans" is a list, so its operator must be in or nin. | Write @filter(op: "in").',
      'FRAISE_UNSUPPORTED_ARGUMENTS: Argument "cheap" of "Query.plans" names the unknown operator "below". | Operators: eq, neq, gt, gte, lt, lte, in, nin, contains, icontains, startswith, istartswith, endswith, iendswith, like, ilike, matches, imatches, not_matches, plain_query, phrase_query, websearch_query.',
    ]);
  });

  it("checks a root field's @view against the type's fields", async () => {
    expect(await messages(`${PLAN}\ntype Query { plans: [Plan!]! tagsAsPlans: [Plan!]! @view(name: "v_tag") }`)).toEqual([
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.slug" reads column "slug", which view "v_tag" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, identifier, name.',
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.priceCents" reads column "price_cents", which view "v_tag" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, identifier, name.',
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.features" reads column "features", which view "v_tag" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, identifier, name.',
    ]);
  });

  it('binds row-returning functions to object types only, and a single row to a single object', async () => {
    const base = `${PLAN}\ntype Query { plans: [Plan!]! }\n`;
    expect(await messages(`${base}type Mutation { rename(identifier: String!, name: String!): [Plan!]! @function(name: "fn_rename_tag") }`)).toEqual([
      'FRAISE_FUNCTION_MISMATCH: Mutation field "rename" returns a list; the function "fn_rename_tag" of mutation field "rename" returns one row.',
    ]);
    expect(await messages(`${base}type Mutation { publish(id: Int!): String @function(name: "fn_publish_post") }`)).toEqual([
      'FRAISE_BAD_MUTATION_RESULT: Mutation field "publish" returns String; the rows of v_post map to an object type. | Return an object type whose fields are the columns (or a list of it for a set).',
    ]);
    expect(await messages(`${base}type Mutation { publish(id: Int!): Plan @function(name: "fn_publish_post") }`)).toEqual([
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.slug" reads column "slug", which view "v_post" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, org_id, author_id, title, body, published, view_count, published_at, created_at, author, tags, tag_identifiers.',
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.priceCents" reads column "price_cents", which view "v_post" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, org_id, author_id, title, body, published, view_count, published_at, created_at, author, tags, tag_identifiers.',
      'FRAISE_UNKNOWN_COLUMN: Field "Plan.features" reads column "features", which view "v_post" does not have. | The view has no data column, so each field reads the column named like it. Columns: id, org_id, author_id, title, body, published, view_count, published_at, created_at, author, tags, tag_identifiers.',
    ]);
  });
});
