// FRAISE_UNBOUNDED_LIST (warning): a root list without `limit` returns every row of its view
// (unless a maximum page size is configured, which then limits it).
import type { Diagnostic } from '../diagnostics.js';
import { warning } from '../diagnostics.js';
import type { ListField } from './listFields.js';

function hasLimitDefault(list: ListField): boolean {
  const limit = list.field.args.find((a) => a.name === 'limit');
  return limit?.defaultValue !== undefined && limit.defaultValue !== null;
}

export function unboundedLists(lists: readonly ListField[], maxPageSize: number | undefined): Diagnostic[] {
  if (maxPageSize !== undefined) return [];
  return lists
    // A `limit` argument with an SDL default (`authors(limit: Int = 20)`) bounds the list too.
    .filter((list) => list.root && !(list.node.arguments ?? []).some((a) => a.name.value === 'limit') && !hasLimitDefault(list))
    .map((list) =>
      warning(
        'FRAISE_UNBOUNDED_LIST',
        `Root list "${list.node.name.value}" has no limit: it returns every row of ${list.relation.kind} "${list.relation.name}".`,
        list.node.name,
        'Pass limit (a literal or a variable) to bound the response, or configure maxPageSize.',
      ),
    );
}
