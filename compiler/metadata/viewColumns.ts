// Which keys of a view's `data` hold exactly the value of one of the view's own columns, proven
// from the view's definition (pg_get_viewdef, parsed with PostgreSQL's own parser, libpg-query):
//
//   CREATE VIEW v_post AS SELECT p.id, p.views, ..., jsonb_build_object('id', p.id, 'views', p.views, ...) AS data
//
// Here `data->'id'` and the column `id` are the same expression (`p.id`) of the same SELECT, so
// for every row they hold the same value, and reading the column lets PostgreSQL skip building
// `data` when nothing else needs it. Only such exact matches count (never a guess from names),
// only in a plain SELECT (no UNION), only for a top-level key of `jsonb_build_object(...) AS data`,
// and only for column types whose JSON text is the same whether it passes through jsonb or json
// (uuid, text, varchar, integers, boolean: not numeric, floats or timestamps, whose jsonb text
// can differ). A definition the parser cannot read proves nothing.
import { loadModule, parseSync } from 'libpg-query';

/** Column types whose value has the same JSON text through jsonb_build_object and json_build_object. */
const SAME_JSON_TYPES = /^(uuid|text|integer|bigint|smallint|boolean|character varying(\(\d+\))?)$/;

const NONE: ReadonlyMap<string, string> = new Map();
const cache = new Map<string, ReadonlyMap<string, string>>();
let loaded: Promise<void> | undefined;

/** Loads the parser (WebAssembly) once; call before `dataKeyColumns`. */
export function loadViewParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

// The few node shapes of libpg-query's JSON AST read here.
type Node = Readonly<Record<string, unknown>>;
interface StringNode {
  readonly String?: { readonly sval?: string };
}

/** `a.b` of a ColumnRef (no `*`), or undefined for any other expression. */
function columnRef(node: unknown): string | undefined {
  const ref = (node as Node | undefined)?.['ColumnRef'] as { fields?: readonly StringNode[] } | undefined;
  const parts = ref?.fields?.map((f) => f.String?.sval);
  if (!parts || parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  return parts.join('.');
}

/** A string literal, possibly cast (`'id'::text`). */
function stringConst(node: unknown): string | undefined {
  const n = node as Node | undefined;
  const cast = n?.['TypeCast'] as { arg?: unknown } | undefined;
  if (cast) return stringConst(cast.arg);
  const constant = n?.['A_Const'] as { sval?: { sval?: string } } | undefined;
  return constant?.sval?.sval;
}

function isJsonbBuildObject(call: { funcname?: readonly StringNode[] }): boolean {
  const name = call.funcname?.map((f) => f.String?.sval) ?? [];
  return (name.length === 1 && name[0] === 'jsonb_build_object') || (name.length === 2 && name[0] === 'pg_catalog' && name[1] === 'jsonb_build_object');
}

/**
 * data key -> view column holding the same value, for a view `definition` whose columns have the
 * given types. Empty when nothing is proven (no definition, not parsable, another form of `data`).
 */
export function dataKeyColumns(definition: string | undefined, columns: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (definition === undefined) return NONE;
  const cacheKey = `${definition}\u0000${JSON.stringify([...columns])}`;
  let found = cache.get(cacheKey);
  if (found === undefined) {
    found = prove(definition, columns);
    cache.set(cacheKey, found);
  }
  return found;
}

function prove(definition: string, columns: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  let tree: { stmts?: readonly { stmt?: Node }[] };
  try {
    tree = parseSync(definition) as typeof tree;
  } catch {
    return NONE;
  }
  const select = tree.stmts?.length === 1 ? (tree.stmts[0]!.stmt?.['SelectStmt'] as Node | undefined) : undefined;
  if (!select || (select['op'] !== undefined && select['op'] !== 'SETOP_NONE') || select['valuesLists'] !== undefined) return NONE;
  const targets = (select['targetList'] as readonly { ResTarget?: { name?: string; val?: unknown } }[] | undefined) ?? [];
  // Output column of each plain column reference (the first, if one is selected twice).
  const columnOfRef = new Map<string, string>();
  let data: unknown;
  for (const target of targets) {
    const ref = columnRef(target.ResTarget?.val);
    const name = target.ResTarget?.name ?? ref?.split('.').pop();
    if (name === 'data') data = target.ResTarget?.val;
    else if (ref !== undefined && name !== undefined && !columnOfRef.has(ref)) columnOfRef.set(ref, name);
  }
  const call = (data as Node | undefined)?.['FuncCall'] as
    | { funcname?: readonly StringNode[]; args?: readonly unknown[]; agg_star?: boolean; func_variadic?: boolean; over?: unknown }
    | undefined;
  if (!call || !isJsonbBuildObject(call) || call.agg_star || call.func_variadic || call.over !== undefined) return NONE;
  const args = call.args ?? [];
  if (args.length % 2 !== 0) return NONE;
  const proven = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = stringConst(args[i]);
    if (key === undefined) return NONE; // a computed key could be any key
    const ref = columnRef(args[i + 1]);
    const column = ref === undefined ? undefined : columnOfRef.get(ref);
    const type = column === undefined ? undefined : columns.get(column);
    // jsonb_build_object keeps the last value of a repeated key: a later non-column value wins.
    if (column !== undefined && type !== undefined && SAME_JSON_TYPES.test(type)) proven.set(key, column);
    else proven.delete(key);
  }
  return proven;
}
