// The generated code that decodes a connection's paging arguments in `prepare`, with the runtime's
// `paging` (runtime/paging.ts): first/last give the page size and direction; after/before cursors
// are decoded and checked against the types of the order key.
import type { ConnectionArgs, ValueSource } from '../plan/ir.js';
import { varLocal } from './names.js';
import type { RuntimeImports } from './runtimeImports.js';

/** Statements decoding one variant's connections into conn<index> locals (returning errors). */
export function connectionLines(connections: readonly ConnectionArgs[], imports: RuntimeImports): string {
  return connections
    .map((c) => {
      const source = (s: ValueSource | null): string =>
        s === null ? 'null' : s.kind === 'Const' ? JSON.stringify(s.value) : s.kind === 'Variable' ? varLocal(s.name) : 'null';
      const name = (s: ValueSource | null, arg: string): string => (s?.kind === 'Variable' ? `$${s.name}` : arg);
      const names = JSON.stringify([name(c.first, 'first'), name(c.last, 'last'), name(c.after, 'after'), name(c.before, 'before')]);
      const local = `conn${c.index}`;
      return (
        `const ${local} = ${imports.use('paging')}(${source(c.first)}, ${source(c.last)}, ${source(c.after)}, ${source(c.before)}, ${JSON.stringify(c.keyTypes)}, ${names}, ${c.maxPageSize}); ` +
        `if (typeof ${local} === 'string') return { ok: false, errors: [${imports.use('badInput')}(${local})] };`
      );
    })
    .join(' ');
}

/** A computed value's expression in `prepare`. */
export function computedValueCode(source: ValueSource): string | undefined {
  if (source.kind === 'Connection') return `conn${source.index}.${source.part}`;
  if (source.kind === 'Cursor') return `(conn${source.index}.${source.which}?.[${source.at}] ?? null)`;
  return undefined;
}
