// FRAISE_PAGE_TOO_LARGE: a literal `limit` above the configured maximum page size (maxPageSize).
import { Kind } from 'graphql';
import { type Diagnostic, diagnostic } from '../diagnostics.js';
import type { ListField } from './listFields.js';

export function pagesTooLarge(lists: readonly ListField[], maxPageSize: number | undefined): Diagnostic[] {
  if (maxPageSize === undefined) return [];
  const found: Diagnostic[] = [];
  for (const list of lists) {
    const limit = (list.node.arguments ?? []).find((a) => a.name.value === 'limit');
    if (limit?.value.kind !== Kind.INT || Number(limit.value.value) <= maxPageSize) continue;
    found.push(
      diagnostic(
        'FRAISE_PAGE_TOO_LARGE',
        `limit ${limit.value.value} of "${list.node.name.value}" is above the maximum page size ${maxPageSize}.`,
        limit.value,
        `Ask for at most ${maxPageSize} rows and page with offset, or raise maxPageSize in the configuration.`,
      ),
    );
  }
  return found;
}
