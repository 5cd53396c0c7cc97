// A view's definition (pg_get_viewdef) parsed with PostgreSQL's own parser (libpg-query), and the
// few node shapes of its JSON AST that the proofs about views read (viewColumns.ts, viewFacts.ts).
// A definition the parser cannot read, or that is not one plain SELECT, parses to undefined: it
// proves nothing.
import { loadModule, parseSync } from 'libpg-query';

export type Node = Readonly<Record<string, unknown>>;
interface StringNode {
  readonly String?: { readonly sval?: string };
}

export interface ResTarget {
  /** The output column's name (`AS name`, else the last part of a column reference). */
  readonly name: string | undefined;
  readonly value: unknown;
}

/** One plain SELECT (no UNION, no VALUES), with its parts as the parser gives them. */
export interface ViewSelect {
  readonly select: Node;
  readonly targets: readonly ResTarget[];
  readonly from: readonly unknown[];
}

let loaded: Promise<void> | undefined;

/** Loads the parser (WebAssembly) once; call before anything here parses. */
export function loadViewParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

const parsed = new Map<string, ViewSelect | undefined>();

export function parseView(definition: string): ViewSelect | undefined {
  if (parsed.has(definition)) return parsed.get(definition);
  const view = parseOnce(definition);
  parsed.set(definition, view);
  return view;
}

function parseOnce(definition: string): ViewSelect | undefined {
  let tree: { stmts?: readonly { stmt?: Node }[] };
  try {
    tree = parseSync(definition) as typeof tree;
  } catch {
    return undefined;
  }
  const select = tree.stmts?.length === 1 ? (tree.stmts[0]!.stmt?.['SelectStmt'] as Node | undefined) : undefined;
  if (!select || (select['op'] !== undefined && select['op'] !== 'SETOP_NONE') || select['valuesLists'] !== undefined) return undefined;
  const targets = ((select['targetList'] as readonly { ResTarget?: { name?: string; val?: unknown } }[] | undefined) ?? []).map((t) => ({
    name: t.ResTarget?.name ?? columnRef(t.ResTarget?.val)?.at(-1),
    value: t.ResTarget?.val,
  }));
  return { select, targets, from: (select['fromClause'] as readonly unknown[] | undefined) ?? [] };
}

/** The parts of a ColumnRef (`a.b` -> ['a', 'b']; no `*`), or undefined for any other expression. */
export function columnRef(node: unknown): readonly string[] | undefined {
  const ref = (node as Node | undefined)?.['ColumnRef'] as { fields?: readonly StringNode[] } | undefined;
  const parts = ref?.fields?.map((f) => f.String?.sval);
  if (!parts || parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  return parts as string[];
}

/** A string literal, possibly cast (`'id'::text`). */
export function stringConst(node: unknown): string | undefined {
  const n = node as Node | undefined;
  const cast = n?.['TypeCast'] as { arg?: unknown } | undefined;
  if (cast) return stringConst(cast.arg);
  const constant = n?.['A_Const'] as { sval?: { sval?: string } } | undefined;
  return constant?.sval?.sval;
}

export interface FuncCall {
  /** The name as written: ['jsonb_build_object'] or ['pg_catalog', 'jsonb_build_object']. */
  readonly name: readonly string[];
  readonly args: readonly unknown[];
  /** `f(*)`, `VARIADIC`, `OVER (...)`, `FILTER`, `WITHIN GROUP` or an ORDER BY in the call: not a plain call. */
  readonly special: boolean;
}

export function funcCall(node: unknown): FuncCall | undefined {
  const call = (node as Node | undefined)?.['FuncCall'] as
    | { funcname?: readonly StringNode[]; args?: readonly unknown[]; agg_star?: boolean; func_variadic?: boolean; over?: unknown;
        agg_filter?: unknown; agg_order?: unknown; agg_within_group?: boolean }
    | undefined;
  if (!call) return undefined;
  const name = call.funcname?.map((f) => f.String?.sval ?? '') ?? [];
  const special = Boolean(call.agg_star || call.func_variadic || call.over !== undefined || call.agg_filter !== undefined ||
    call.agg_order !== undefined || call.agg_within_group);
  return { name, args: call.args ?? [], special };
}

/** A plain call of a pg_catalog function `name` (written bare or qualified). */
export function isCatalogCall(call: FuncCall | undefined, name: string): call is FuncCall {
  if (!call || call.special) return false;
  return (call.name.length === 1 && call.name[0] === name) || (call.name.length === 2 && call.name[0] === 'pg_catalog' && call.name[1] === name);
}

/** The `data` target's jsonb_build_object(...) arguments, or undefined when `data` is anything else. */
export function dataBuildArguments(view: ViewSelect): readonly unknown[] | undefined {
  const data = view.targets.find((t) => t.name === 'data');
  const call = funcCall(data?.value);
  if (!isCatalogCall(call, 'jsonb_build_object') || call.args.length % 2 !== 0) return undefined;
  return call.args;
}

/**
 * The output column of each plain column reference the view selects (`p.created_at` ->
 * `created_at`), `data` aside; the first, if one reference is selected twice.
 */
export function columnsOfRefs(view: ViewSelect): ReadonlyMap<string, string> {
  const columnOfRef = new Map<string, string>();
  for (const target of view.targets) {
    const ref = columnRef(target.value)?.join('.');
    if (target.name !== 'data' && ref !== undefined && target.name !== undefined && !columnOfRef.has(ref)) columnOfRef.set(ref, target.name);
  }
  return columnOfRef;
}
