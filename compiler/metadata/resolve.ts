// Name resolution over metadata, as PostgreSQL does it: `@view(name: "v_post")` is looked up along
// the search path, `"app.v_post"` in its schema; unquoted identifiers fold to lower case. Functions
// (`@function(name:)`) resolve the same way, every overload counting.
import type { DatabaseMetadata, FunctionInfo, IndexInfo, RelationInfo } from './types.js';

export interface MetadataIndex {
  /** The relation a name written in SQL refers to, or undefined. */
  relation(name: string): RelationInfo | undefined;
  /** Names that resolve without a schema (for "did you mean" hints). */
  readonly visibleNames: readonly string[];
  indexesOn(relation: RelationInfo): readonly IndexInfo[];
  /**
   * Every function a name written in SQL may call (several when overloaded, none when unknown): in
   * its schema when qualified, else along the search path, where a function hides one of the same
   * input argument types further on (as `pg_function_is_visible`).
   */
  functions(name: string): readonly FunctionInfo[];
}

const inputSignature = (f: FunctionInfo): string =>
  f.arguments.filter((a) => a.mode === 'in' || a.mode === 'inout' || a.mode === 'variadic').map((a) => a.type).join(',');

const cache = new WeakMap<DatabaseMetadata, MetadataIndex>();

export function indexMetadata(metadata: DatabaseMetadata): MetadataIndex {
  const cached = cache.get(metadata);
  if (cached) return cached;
  const bySchema = new Map<string, Map<string, RelationInfo>>();
  for (const r of metadata.relations) {
    let names = bySchema.get(r.schema);
    if (!names) bySchema.set(r.schema, (names = new Map()));
    names.set(r.name, r);
  }
  const indexes = new Map<string, IndexInfo[]>();
  for (const i of metadata.indexes) {
    const key = `${i.schema}.${i.table}`;
    indexes.set(key, [...(indexes.get(key) ?? []), i]);
  }
  const functionsBySchema = new Map<string, Map<string, FunctionInfo[]>>();
  for (const f of metadata.functions) {
    let names = functionsBySchema.get(f.schema);
    if (!names) functionsBySchema.set(f.schema, (names = new Map()));
    names.set(f.name, [...(names.get(f.name) ?? []), f]);
  }
  const visible = new Set<string>();
  for (const schema of metadata.searchPath) for (const name of bySchema.get(schema)?.keys() ?? []) visible.add(name);
  const index: MetadataIndex = {
    relation(name) {
      const parts = splitQualifiedName(name);
      if (!parts) return undefined;
      const relationName = parts[parts.length - 1]!;
      if (parts.length >= 2) return bySchema.get(parts[parts.length - 2]!)?.get(relationName);
      for (const schema of metadata.searchPath) {
        const found = bySchema.get(schema)?.get(relationName);
        if (found) return found;
      }
      return undefined;
    },
    visibleNames: [...visible].sort(),
    indexesOn: (relation) => indexes.get(`${relation.schema}.${relation.name}`) ?? [],
    functions(name) {
      const parts = splitQualifiedName(name);
      if (!parts) return [];
      const functionName = parts[parts.length - 1]!;
      if (parts.length >= 2) return functionsBySchema.get(parts[parts.length - 2]!)?.get(functionName) ?? [];
      const found: FunctionInfo[] = [];
      const signatures = new Set<string>();
      for (const schema of metadata.searchPath) {
        for (const f of functionsBySchema.get(schema)?.get(functionName) ?? []) {
          if (signatures.has(inputSignature(f))) continue;
          signatures.add(inputSignature(f));
          found.push(f);
        }
      }
      return found;
    },
  };
  cache.set(metadata, index);
  return index;
}

/** `app."Post View"` -> ['app', 'Post View']; undefined when the name is malformed. */
export function splitQualifiedName(name: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i <= name.length) {
    if (name[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= name.length) return undefined;
        if (name[i] === '"') {
          if (name[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += name[i++];
      }
      parts.push(part);
    } else {
      const end = name.indexOf('.', i);
      const part = name.slice(i, end < 0 ? name.length : end).trim();
      if (part === '') return undefined;
      parts.push(part.toLowerCase());
      i = end < 0 ? name.length : end;
    }
    if (i >= name.length) break;
    if (name[i] !== '.') return undefined;
    i++;
  }
  return parts.length > 0 && parts.length <= 3 ? parts : undefined;
}
