// Compiles the blog schema with the fixture's mutation operations (and test-only extras) against a
// test database into test/.generated/<suite>/, and imports the operations.
import type { CompiledOperation } from '../../runtime/types.js';
import { compileProjectTo } from './compileFixture.js';

export async function compileMutations(
  databaseUrl: string,
  suite: string,
  extra: { schema?: string[]; operations?: string[] } = {},
): Promise<Readonly<Record<string, CompiledOperation>>> {
  const schema = ['fixtures/blog/schema.graphql', ...(extra.schema ?? [])];
  const operations = ['fixtures/blog/mutations/*.graphql', ...(extra.operations ?? [])];
  return (await compileProjectTo(databaseUrl, suite, schema, operations)).operationsByName;
}
