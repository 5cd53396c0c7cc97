// What the catalogue and a view's definition prove about the values a relation reads, decided at
// build time and never from names:
// - which columns never read NULL: a table's validated NOT NULL columns (readMetadata.ts); a view's
//   column that is a bare reference to such a column of a table (or of another view, proven the
//   same way) which no outer join can null-extend;
// - which `data` keys are never SQL NULL nor JSON null: the key's value in `data`'s
//   jsonb_build_object(...) is such a column of a built-in type whose jsonb is never `null`
//   (a NOT NULL jsonb column may hold JSON null, and a user type may have its own cast to json),
//   or a nested json(b)_build_object(...);
// - which columns are unique: a table's column that is the only key of a unique index (valid, not
//   deferrable, no predicate: see IndexInfo.unique); a view's column referring to such a column of
//   a relation whose rows the view neither repeats nor multiplies: its FROM is that relation joined
//   (inner, or as the outer side of a left join) only to relations on a unique column of theirs,
//   no GROUP BY, and no function in its SELECT list that may return a set.
// The SQL relies on these (no null mark where a value cannot be null, no `id` tie-breaker after a
// unique order key), so each rule is the narrow case that is certainly true; anything else
// proves nothing.
import { quoteIdent } from '../sql/quote.js';
import { columnRef, dataBuildArguments, funcCall, isCatalogCall, parseView, stringConst, type Node, type ViewSelect } from './viewAst.js';
import type { MetadataIndex } from './resolve.js';
import type { RelationInfo } from './types.js';

export interface RelationFacts {
  /** Columns that never read NULL. */
  readonly nonNullColumns: ReadonlySet<string>;
  /** Columns whose non-null values differ in every row. */
  readonly uniqueColumns: ReadonlySet<string>;
  /** Keys of a view's `data` that are always present and never JSON null. */
  readonly nonNullKeys: ReadonlySet<string>;
  /**
   * Columns that read a stored column as it is (a table's; a view's bare reference to one): no
   * expression to evaluate per row. Any other view column may be computed (`to_char(...) AS x`).
   */
  readonly plainColumns: ReadonlySet<string>;
}

const NOTHING: RelationFacts = Object.freeze({
  nonNullColumns: new Set<string>(),
  uniqueColumns: new Set<string>(),
  nonNullKeys: new Set<string>(),
  plainColumns: new Set<string>(),
});

/**
 * Built-in types whose to_jsonb of a non-null value is never JSON null (strings, numbers, booleans,
 * arrays of them), as format_type prints them. Domains and user types print their own names.
 */
const NEVER_JSON_NULL =
  /^(uuid|text|integer|bigint|smallint|boolean|real|double precision|numeric(\(\d+(,\d+)?\))?|character varying(\(\d+\))?|character(\(\d+\))?|date|time(stamp)?(\(\d\))? with(out)? time zone|interval|bytea)(\[\])?$/;

/**
 * pg_catalog functions that return one value per call, which may appear in a view's SELECT list
 * that proves uniqueness (any other function must be a user function known not to return a set).
 */
const SCALAR_CATALOG_FUNCTIONS = new Set([
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'to_jsonb', 'to_json', 'row_to_json',
  'array_to_json', 'jsonb_strip_nulls', 'json_strip_nulls', 'to_char', 'length', 'char_length', 'replace', 'lower', 'upper',
  'btrim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'format', 'date_trunc', 'timezone', 'now', 'array_length', 'cardinality',
  'md5', 'left', 'right', 'substring', 'split_part', 'initcap', 'round', 'abs', 'extract', 'date_part',
]);

const cache = new WeakMap<RelationInfo, RelationFacts>();

export function relationFacts(metadata: MetadataIndex, relation: RelationInfo): RelationFacts {
  const cached = cache.get(relation);
  if (cached) return cached;
  cache.set(relation, NOTHING); // a view that (through others) reads itself proves nothing about itself
  const facts = relation.kind === 'view' ? viewFacts(metadata, relation) : tableFacts(metadata, relation);
  cache.set(relation, facts);
  return facts;
}

function tableFacts(metadata: MetadataIndex, relation: RelationInfo): RelationFacts {
  const uniqueColumns = new Set<string>();
  for (const index of metadata.indexesOn(relation)) {
    if (!index.unique || index.predicate !== null || index.keys.length !== 1) continue;
    const column = indexColumn(index.keys[0]!);
    if (column !== undefined) uniqueColumns.add(column);
  }
  return {
    nonNullColumns: new Set(relation.columns.filter((c) => c.notNull === true).map((c) => c.name)),
    uniqueColumns,
    nonNullKeys: NOTHING.nonNullKeys,
    plainColumns: new Set(relation.columns.map((c) => c.name)),
  };
}

/** An index key as pg_get_indexdef prints it, when it is a plain column: `created_at`, `"Created At"`. */
function indexColumn(key: string): string | undefined {
  if (/^[a-z_][a-z0-9_$]*$/.test(key)) return key;
  const quoted = /^"((?:[^"]|"")+)"$/.exec(key);
  return quoted ? quoted[1]!.replace(/""/g, '"') : undefined;
}

/** A FROM item the view's column references can name: a relation, or something else (unknown). */
interface Item {
  readonly relation: RelationInfo | undefined;
  /** An outer join may fill its columns with NULL. */
  readonly nullable: boolean;
}

interface Resolved {
  readonly item: Item;
  readonly alias: string;
  readonly column: string;
}

class Scope {
  readonly items = new Map<string, Item>();
  /** Some FROM item's columns are unknown, so an unqualified name cannot be resolved. */
  opaque = false;

  constructor(readonly metadata: MetadataIndex) {}

  add(node: unknown, nullable: boolean): void {
    const n = node as Node;
    const range = n['RangeVar'] as { schemaname?: string; relname?: string; alias?: { aliasname?: string } } | undefined;
    const join = n['JoinExpr'] as { jointype?: string; larg?: unknown; rarg?: unknown; alias?: unknown } | undefined;
    if (range?.relname !== undefined) {
      const name = range.alias?.aliasname ?? range.relname;
      const sqlName = range.schemaname !== undefined ? `${quoteIdent(range.schemaname)}.${quoteIdent(range.relname)}` : quoteIdent(range.relname);
      // The same name twice is an error in PostgreSQL; never trust either.
      const relation = this.items.has(name) ? undefined : this.metadata.relation(sqlName);
      this.items.set(name, { relation, nullable });
    } else if (join && join.alias === undefined) {
      const type = join.jointype;
      this.add(join.larg, nullable || type !== 'JOIN_INNER' && type !== 'JOIN_LEFT');
      this.add(join.rarg, nullable || type !== 'JOIN_INNER' && type !== 'JOIN_RIGHT');
    } else {
      // A subquery, a function, an aliased join: its columns are not a relation's.
      const alias = (Object.values(n)[0] as { alias?: { aliasname?: string } } | undefined)?.alias?.aliasname;
      if (alias !== undefined) this.items.set(alias, { relation: undefined, nullable: true });
      this.opaque = true;
    }
  }

  /** The relation column a column reference reads, when certain. */
  resolve(node: unknown): Resolved | undefined {
    const parts = columnRef(node);
    if (parts?.length === 2) {
      const item = this.items.get(parts[0]!);
      return item?.relation?.columns.some((c) => c.name === parts[1]) ? { item, alias: parts[0]!, column: parts[1]! } : undefined;
    }
    if (parts?.length !== 1 || this.opaque) return undefined;
    const found = [...this.items].filter(([, item]) => item.relation === undefined || item.relation.columns.some((c) => c.name === parts[0]));
    if (found.length !== 1 || found[0]![1].relation === undefined) return undefined;
    return { item: found[0]![1], alias: found[0]![0], column: parts[0]! };
  }
}

function viewFacts(metadata: MetadataIndex, relation: RelationInfo): RelationFacts {
  const view = relation.definition === undefined ? undefined : parseView(relation.definition);
  if (!view) return NOTHING;
  const { select } = view;
  // A WITH name may hide a table's; grouping (and grouping sets, which null columns) changes rows.
  if (select['withClause'] !== undefined || select['groupClause'] !== undefined || select['havingClause'] !== undefined) return NOTHING;
  const scope = new Scope(metadata);
  for (const item of view.from) scope.add(item, false);
  const nonNull = (r: Resolved | undefined): r is Resolved =>
    r !== undefined && !r.item.nullable && relationFacts(metadata, r.item.relation!).nonNullColumns.has(r.column);

  const nonNullColumns = new Set<string>();
  const uniqueColumns = new Set<string>();
  const plainColumns = new Set<string>();
  const rowsKept = view.from.length === 1 && !mayReturnSets(metadata, [select['targetList'], select['sortClause'], select['distinctClause']]);
  for (const target of view.targets) {
    if (target.name === undefined) continue;
    const resolved = scope.resolve(target.value);
    if (resolved && relationFacts(metadata, resolved.item.relation!).plainColumns.has(resolved.column)) plainColumns.add(target.name);
    if (nonNull(resolved)) nonNullColumns.add(target.name);
    if (resolved && rowsKept && relationFacts(metadata, resolved.item.relation!).uniqueColumns.has(resolved.column) &&
      keepsRows(scope, view.from[0], resolved.alias)) {
      uniqueColumns.add(target.name);
    }
  }
  return { nonNullColumns, uniqueColumns, nonNullKeys: nonNullKeys(view, scope, nonNull), plainColumns };
}

function nonNullKeys(view: ViewSelect, scope: Scope, nonNull: (r: Resolved | undefined) => r is Resolved): ReadonlySet<string> {
  const args = dataBuildArguments(view);
  if (!args) return NOTHING.nonNullKeys;
  const keys = new Set<string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = stringConst(args[i]);
    if (key === undefined) return NOTHING.nonNullKeys; // a computed key could be any key
    const value = args[i + 1];
    const resolved = scope.resolve(value);
    const type = resolved?.item.relation?.columns.find((c) => c.name === resolved.column)?.type;
    const call = funcCall(value);
    // jsonb_build_object keeps the last value of a repeated key: the proof is about that one.
    if ((nonNull(resolved) && type !== undefined && NEVER_JSON_NULL.test(type)) ||
      isCatalogCall(call, 'jsonb_build_object') || isCatalogCall(call, 'json_build_object')) {
      keys.add(key);
    } else {
      keys.delete(key);
    }
  }
  return keys;
}

/** Every row of the relation under `alias` appears at most once in the rows of `node`. */
function keepsRows(scope: Scope, node: unknown, alias: string): boolean {
  const n = node as Node;
  const range = n['RangeVar'] as { relname?: string; alias?: { aliasname?: string } } | undefined;
  if (range) return (range.alias?.aliasname ?? range.relname) === alias;
  const join = n['JoinExpr'] as { jointype?: string; larg?: unknown; rarg?: unknown; alias?: unknown; quals?: unknown } | undefined;
  if (!join || join.alias !== undefined) return false;
  if (names(join.larg).includes(alias)) {
    return (join.jointype === 'JOIN_INNER' || join.jointype === 'JOIN_LEFT') && atMostOneMatch(scope, join.rarg, join.quals) && keepsRows(scope, join.larg, alias);
  }
  if (names(join.rarg).includes(alias)) {
    return (join.jointype === 'JOIN_INNER' || join.jointype === 'JOIN_RIGHT') && atMostOneMatch(scope, join.larg, join.quals) && keepsRows(scope, join.rarg, alias);
  }
  return false;
}

/** The names a FROM subtree's relations go by. */
function names(node: unknown): string[] {
  const n = node as Node;
  const range = n['RangeVar'] as { relname?: string; alias?: { aliasname?: string } } | undefined;
  if (range?.relname !== undefined) return [range.alias?.aliasname ?? range.relname];
  const join = n['JoinExpr'] as { larg?: unknown; rarg?: unknown; alias?: unknown } | undefined;
  return join && join.alias === undefined ? [...names(join.larg), ...names(join.rarg)] : [];
}

/**
 * `side` is one relation that the join condition `quals` matches on a unique column of its own
 * (`u.pk = p.fk AND ...`, the other operand not reading `side`): each row of the other side meets
 * at most one of its rows.
 */
function atMostOneMatch(scope: Scope, side: unknown, quals: unknown): boolean {
  const range = (side as Node)['RangeVar'] as { relname?: string; alias?: { aliasname?: string } } | undefined;
  if (range?.relname === undefined) return false;
  const name = range.alias?.aliasname ?? range.relname;
  const item = scope.items.get(name);
  if (!item?.relation) return false;
  const unique = relationFacts(scope.metadata, item.relation).uniqueColumns;
  return conjuncts(quals).some((q) => {
    const expr = (q as Node)['A_Expr'] as { kind?: string; name?: readonly { String?: { sval?: string } }[]; lexpr?: unknown; rexpr?: unknown } | undefined;
    const operator = expr?.name?.map((p) => p.String?.sval);
    if (expr?.kind !== 'AEXPR_OP' || operator?.length !== 1 || operator[0] !== '=') return false;
    const onSide = (operand: unknown, other: unknown): boolean => {
      const r = scope.resolve(operand);
      return r !== undefined && r.alias === name && unique.has(r.column) && !reads(scope, other, name);
    };
    return onSide(expr.lexpr, expr.rexpr) || onSide(expr.rexpr, expr.lexpr);
  });
}

function conjuncts(node: unknown): readonly unknown[] {
  const bool = (node as Node | undefined)?.['BoolExpr'] as { boolop?: string; args?: readonly unknown[] } | undefined;
  return bool?.boolop === 'AND_EXPR' ? (bool.args ?? []).flatMap(conjuncts) : node === undefined ? [] : [node];
}

/** Whether an expression may read a column of `name` (a sub-select or an unresolved name may). */
function reads(scope: Scope, node: unknown, name: string): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n['SubLink'] !== undefined) found = true;
    else if (n['ColumnRef'] !== undefined) {
      const parts = columnRef(n);
      const resolved = parts?.length === 1 ? scope.resolve(n) : undefined;
      found = parts?.length === 2 ? parts[0] === name : parts?.length === 1 ? resolved === undefined || resolved.alias === name : true;
    }
    return !found && n['ColumnRef'] === undefined;
  });
  return found;
}

/** Whether any function called in these expressions (outside sub-selects) may return a set. */
function mayReturnSets(metadata: MetadataIndex, nodes: readonly unknown[]): boolean {
  let found = false;
  for (const node of nodes) {
    walk(node, (n) => {
      if (found || n['SubLink'] !== undefined) return false; // a scalar sub-select yields one value
      const call = funcCall(n);
      if (call && !returnsOneValue(metadata, call.name)) found = true;
      return !found;
    });
  }
  return found;
}

function returnsOneValue(metadata: MetadataIndex, name: readonly string[]): boolean {
  const user = metadata.functions(name.map(quoteIdent).join('.'));
  if (user.some((f) => f.returnsSet || f.kind !== 'function')) return false;
  if (user.length > 0) return true;
  const bare = name.length === 1 ? name[0]! : name.length === 2 && name[0] === 'pg_catalog' ? name[1]! : undefined;
  return bare !== undefined && SCALAR_CATALOG_FUNCTIONS.has(bare);
}

/** Visits every object node of a parse tree; `visit` returns false to skip a node's children. */
function walk(node: unknown, visit: (n: Node) => boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (typeof node === 'object' && node !== null) {
    if (!visit(node as Node)) return;
    for (const value of Object.values(node)) walk(value, visit);
  }
}
