// Finds the run-time conditions that change an operation's SQL: the boolean variables of
// @include/@skip, and nullable filter variables that may be omitted (an omitted operator is left
// out). Each combination is planned as its own statement, chosen by the generated `prepare`.
import {
  Kind,
  visit,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  type ASTNode,
} from 'graphql';
import { hasKey, ifKey } from './context.js';

export interface Condition {
  readonly key: string;
  readonly kind: 'if' | 'has';
  readonly variable: string;
  /** For `has`: the variable is only the value of `isnull`, so null reads as omitted. */
  readonly nullMeansOmitted?: boolean;
}

/** Beyond this many conditions (2^n statements) the compiler refuses the operation. */
export const MAX_CONDITIONS = 5;

export function findConditions(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Condition[] {
  const variables = new Map<string, VariableDefinitionNode>(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]),
  );
  const found = new Map<string, Condition>();
  const seenFragments = new Set<string>();
  const walk = (root: ASTNode): void => {
    visit(root, {
      Directive(node) {
        if (node.name.value !== 'include' && node.name.value !== 'skip') return;
        const arg = node.arguments?.find((a) => a.name.value === 'if')?.value;
        if (arg?.kind === Kind.VARIABLE) {
          const variable = arg.name.value;
          found.set(ifKey(variable), { key: ifKey(variable), kind: 'if', variable });
        }
      },
      Argument(node) {
        if (node.name.value !== 'where') return;
        visit(node.value, {
          ObjectField(field) {
            if (field.value.kind !== Kind.VARIABLE) return;
            const variable = field.value.name.value;
            const def = variables.get(variable);
            if (def && def.type.kind !== Kind.NON_NULL_TYPE && !def.defaultValue) {
              const isnull = field.name.value === 'isnull';
              const previous = found.get(hasKey(variable));
              const nullMeansOmitted = isnull && (previous?.nullMeansOmitted ?? true);
              found.set(hasKey(variable), { key: hasKey(variable), kind: 'has', variable, nullMeansOmitted });
            }
          },
        });
      },
      FragmentSpread(node) {
        const name = node.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seenFragments.has(name)) return;
        seenFragments.add(name);
        walk(fragment);
      },
    });
  };
  walk(operation);
  return [...found.values()];
}

/** Every assignment of the conditions, in bit order: bit i set = condition i true. */
export function assignments(conditions: readonly Condition[]): Map<string, boolean>[] {
  const result: Map<string, boolean>[] = [];
  for (let bits = 0; bits < 1 << conditions.length; bits++) {
    result.push(new Map(conditions.map((c, i) => [c.key, (bits & (1 << i)) !== 0])));
  }
  return result;
}
