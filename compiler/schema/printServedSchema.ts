// The full schema Fraise serves, as SDL (written to schema.graphql in the output folder).
// graphql-js's printSchema leaves out the `schema { ... }` block whenever the root types have their
// usual names; but when the user wrote one, a type merely named `Subscription` (or `Mutation`) is
// not a root, and tools reading the printed SDL would take it for one. So a written block is kept.
import { printSchema, type GraphQLSchema } from 'graphql';

export function printServedSchema(schema: GraphQLSchema): string {
  const printed = printSchema(schema);
  if (!schema.astNode || /^schema\s*\{/m.test(printed)) return printed;
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  const fields = roots.flatMap(([operation, type]) => (type ? [`  ${operation}: ${type.name}`] : []));
  return `schema {\n${fields.join('\n')}\n}\n\n${printed}`;
}
