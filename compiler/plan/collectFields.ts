// GraphQL's CollectFields for one object type: fragments and inline fragments flattened, fields
// merged by response key in first-seen order, @include/@skip decided by literals or by the
// variant's assignment of their variables.
import {
  Kind,
  type DirectiveNode,
  type FieldNode,
  type SelectionSetNode,
  type GraphQLObjectType,
} from 'graphql';
import { type PlanContext, ifKey } from './context.js';

export function collectFields(
  ctx: Pick<PlanContext, 'fragments' | 'assignment'>,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  /** Receives the fields that @include/@skip on a variable may leave out (for optional types). */
  conditional?: Set<FieldNode>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode, underCondition: boolean): void => {
    for (const selection of set.selections) {
      const included = isIncluded(ctx.assignment, selection.directives);
      if (!included) continue;
      const isConditional = underCondition || included === 'conditional';
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
        if (isConditional) conditional?.add(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (appliesTo(selection.typeCondition?.name.value, type)) visit(selection.selectionSet, isConditional);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = ctx.fragments.get(name);
        if (fragment && appliesTo(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet, isConditional);
      }
    }
  };
  for (const set of selectionSets) visit(set, false);
  return fields;
}

// Views back object types only, so a type condition applies exactly when it names the type.
function appliesTo(condition: string | undefined, type: GraphQLObjectType): boolean {
  return condition === undefined || condition === type.name;
}

/** Whether @skip/@include let the selection through, given literal or assigned variable values. */
export function isIncluded(
  assignment: ReadonlyMap<string, boolean> | null,
  directives: readonly DirectiveNode[] | undefined,
): boolean | 'conditional' {
  let conditional = false;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'include' && name !== 'skip') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    let value: boolean | undefined;
    if (arg?.kind === Kind.BOOLEAN) value = arg.value;
    else if (arg?.kind === Kind.VARIABLE) value = assignment?.get(ifKey(arg.name.value));
    if (value === undefined) {
      conditional = true;
      continue;
    }
    if ((name === 'include') !== value) return false;
  }
  return conditional ? 'conditional' : true;
}
