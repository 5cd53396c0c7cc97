// Finds what, at run time, changes an operation's SQL:
// - the boolean variables of @include/@skip change the selection: each combination is planned as
//   its own statement at compile time (at most 2^MAX_CONDITIONS);
// - nullable filter variables may be omitted, which leaves their operator out: the statement keeps
//   such filters as optional parts of a template, expanded per shape at run time and cached.
import {
  Kind,
  getNamedType,
  isLeafType,
  typeFromAST,
  visit,
  type GraphQLSchema,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { visitWithFragments } from '../validate/fragmentWalk.js';
import { argumentDefaults } from './argumentDefaults.js';
import { ifKey } from './context.js';

export interface Condition {
  readonly key: string;
  readonly variable: string;
}

export interface OptionalFilterVariable {
  readonly variable: string;
  /** The variable is only the value of `isnull`, so null reads as omitted rather than an error. */
  readonly nullMeansOmitted: boolean;
}

export interface RuntimeConditions {
  readonly conditions: readonly Condition[];
  readonly optionalFilters: readonly OptionalFilterVariable[];
}

/** Beyond this many @include/@skip variables (2^n statements) the compiler refuses the operation. */
export const MAX_CONDITIONS = 4;
/** Beyond this many optional filter variables the compiler refuses the operation. */
export const MAX_OPTIONAL_FILTERS = 30;

export function findConditions(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
): RuntimeConditions {
  const variables = new Map<string, VariableDefinitionNode>(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]),
  );
  const conditions = new Map<string, Condition>();
  const optional = new Map<string, OptionalFilterVariable>();
  visitWithFragments(operation, fragments, {
    Directive(node) {
      if (node.name.value !== 'include' && node.name.value !== 'skip') return;
      const arg = node.arguments?.find((a) => a.name.value === 'if')?.value;
      if (arg?.kind === Kind.VARIABLE) {
        const variable = arg.name.value;
        conditions.set(ifKey(variable), { key: ifKey(variable), variable });
      }
    },
    Argument(node) {
      // An omitted (or null) connection cursor leaves its keyset condition out.
      if ((node.name.value === 'after' || node.name.value === 'before') && node.value.kind === Kind.VARIABLE) {
        const variable = node.value.name.value;
        const def = variables.get(variable);
        if (def && def.type.kind !== Kind.NON_NULL_TYPE && !def.defaultValue) optional.set(variable, { variable, nullMeansOmitted: true });
        return;
      }
      if (node.name.value !== 'where') return;
      visit(node.value, {
        ObjectField(field) {
          if (field.value.kind !== Kind.VARIABLE) return;
          const variable = field.value.name.value;
          const def = variables.get(variable);
          if (!def || def.type.kind === Kind.NON_NULL_TYPE || def.defaultValue) return;
          // Whole filter objects are built at run time (dynamic parts), not optional operators.
          const type = typeFromAST(schema, def.type);
          if (!type || !isLeafType(getNamedType(type))) return;
          const isnull = field.name.value === 'isnull';
          const nullMeansOmitted = isnull && (optional.get(variable)?.nullMeansOmitted ?? true);
          optional.set(variable, { variable, nullMeansOmitted });
        },
      });
    },
  });
  // Field-argument filters (`posts(authorId: $author)`): an omitted or null variable leaves them out.
  for (const variable of argumentDefaults(schema, operation, fragments).filterVariables) {
    if (!optional.has(variable)) optional.set(variable, { variable, nullMeansOmitted: true });
  }
  return { conditions: [...conditions.values()], optionalFilters: [...optional.values()] };
}

/** Every assignment of the conditions, in bit order: bit i set = condition i true. */
export function assignments(conditions: readonly Condition[]): Map<string, boolean>[] {
  const result: Map<string, boolean>[] = [];
  for (let bits = 0; bits < 1 << conditions.length; bits++) {
    result.push(new Map(conditions.map((c, i) => [c.key, (bits & (1 << i)) !== 0])));
  }
  return result;
}
