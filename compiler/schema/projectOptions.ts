// Per-compile options that change how the schema reads (naming) and how types are written
// (scalar mappings), attached to the built schema so that the stages need no extra parameters.
import { isScalarType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import type { Naming } from '../config/types.js';

const namings = new WeakMap<GraphQLSchema, Naming>();
const scalarTs = new WeakMap<GraphQLNamedType, string>();

export function setSchemaOptions(
  schema: GraphQLSchema,
  options: { readonly naming?: Naming; readonly scalars?: Readonly<Record<string, string>> },
): void {
  namings.set(schema, options.naming ?? 'camel');
  for (const [name, ts] of Object.entries(options.scalars ?? {})) {
    const type = schema.getType(name);
    if (type && isScalarType(type)) scalarTs.set(type, ts);
  }
}

export function namingOf(schema: GraphQLSchema): Naming {
  return namings.get(schema) ?? 'camel';
}

/** The TypeScript type configured for a scalar (`scalars` in the configuration), if any. */
export function configuredScalarTs(type: GraphQLNamedType): string | undefined {
  return scalarTs.get(type);
}
