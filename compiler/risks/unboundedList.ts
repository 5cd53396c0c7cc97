// FRAISE_UNBOUNDED_LIST (warning): a root list without `limit` returns every row of its view
// (unless a maximum page size is configured, which then limits it).
import type { Diagnostic } from '../diagnostics.js';
import { warning } from '../diagnostics.js';
import type { ListField } from './listFields.js';

export function unboundedLists(lists: readonly ListField[], maxPageSize: number | undefined): Diagnostic[] {
  if (maxPageSize !== undefined) return [];
  return lists
    .filter((list) => list.root && !(list.node.arguments ?? []).some((a) => a.name.value === 'limit'))
    .map((list) =>
      warning(
        'FRAISE_UNBOUNDED_LIST',
        `Root list "${list.node.name.value}" has no limit: it returns every row of ${list.relation.kind} "${list.relation.name}".`,
        list.node.name,
        'Pass limit (a literal or a variable) to bound the response, or configure maxPageSize.',
      ),
    );
}
