// State shared by the planning functions of one operation variant.
import type { FragmentDefinitionNode, GraphQLField, GraphQLSchema, VariableDefinitionNode } from 'graphql';
import type { Diagnostic } from '../diagnostics.js';
import type { ViewCatalog } from '../metadata/checkSchema.js';
import type { ConnectionArgs } from './ir.js';

export interface PlanContext {
  readonly schema: GraphQLSchema;
  readonly catalog: ViewCatalog;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: ReadonlyMap<string, VariableDefinitionNode>;
  /** The values of the operation's conditions in this variant (see conditions.ts). */
  readonly assignment: ReadonlyMap<string, boolean>;
  readonly diagnostics: Diagnostic[];
  /** Largest `limit` a list accepts (and the limit of lists that give none); unset: unbounded. */
  readonly maxPageSize?: number;
  /** The bit of a field's @authenticated / @requiresScopes requirement (compiler/auth/requirements.ts). */
  readonly guardOf?: (def: GraphQLField<unknown, unknown>) => number | undefined;
  /** The connections planned so far in this variant (their index numbers their decoded args). */
  readonly connections: ConnectionArgs[];
}

/** Condition key: the boolean variable of an @include/@skip. */
export const ifKey = (variable: string): string => `if:${variable}`;
