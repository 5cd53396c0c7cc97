// Puts metadata in its one canonical form: lists sorted in code-point order and every object with
// its keys in a fixed order, so a snapshot is byte-stable and the live and snapshot paths agree.
import type { DatabaseMetadata, FunctionInfo, IndexInfo } from './types.js';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byKeys<T>(...keys: ((item: T) => string)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const order = compareText(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };
}

const signature = (f: FunctionInfo): string => f.arguments.map((a) => `${a.mode} ${a.type}`).join(',');

export function normalizeMetadata(m: DatabaseMetadata): DatabaseMetadata {
  return {
    format: m.format,
    version: m.version,
    searchPath: [...m.searchPath],
    relations: m.relations
      .map((r) => ({
        schema: r.schema,
        name: r.name,
        kind: r.kind,
        columns: r.columns.map((c) => ({ name: c.name, type: c.type, ...(c.notNull === true ? { notNull: true as const } : {}) })),
        ...(r.definition !== undefined ? { definition: r.definition } : {}),
        ...(r.calls !== undefined
          ? { calls: r.calls.map((c) => ({ kind: c.kind, schema: c.schema, name: c.name, volatility: c.volatility })).sort(byKeys((c) => c.kind, (c) => c.schema, (c) => c.name)) }
          : {}),
      }))
      .sort(byKeys((r) => r.schema, (r) => r.name)),
    functions: m.functions
      .map(
        (f): FunctionInfo => ({
          schema: f.schema,
          name: f.name,
          kind: f.kind,
          arguments: f.arguments.map((a) => ({ name: a.name, type: a.type, mode: a.mode, category: a.category, hasDefault: a.hasDefault })),
          returns: f.returns,
          returnType: f.returnType,
          returnsSet: f.returnsSet,
          returnFields: f.returnFields.map((c) => ({ name: c.name, type: c.type })),
        }),
      )
      .sort(byKeys((f) => f.schema, (f) => f.name, signature)),
    enums: m.enums
      .map((e) => ({ schema: e.schema, name: e.name, values: [...e.values] }))
      .sort(byKeys((e) => e.schema, (e) => e.name)),
    indexes: m.indexes
      .map(
        (i): IndexInfo => ({
          schema: i.schema,
          table: i.table,
          name: i.name,
          method: i.method,
          unique: i.unique,
          keys: [...i.keys],
          predicate: i.predicate ?? null,
        }),
      )
      .sort(byKeys((i) => i.schema, (i) => i.table, (i) => i.name)),
  };
}

/** The snapshot file's text: two-space JSON with a final newline. */
export function serializeMetadata(m: DatabaseMetadata): string {
  return `${JSON.stringify(normalizeMetadata(m), null, 2)}\n`;
}
