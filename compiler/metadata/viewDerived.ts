// Which keys of a view's `data` can be computed from the view's own columns, proven from the view's
// definition (parsed with PostgreSQL's own parser, libpg-query) and what its stored rule calls
// (RelationInfo.calls), never from names:
//
//   CREATE VIEW v_post AS SELECT p.created_at, p.views, ...,
//     jsonb_build_object('created_at', blog_iso(p.created_at), 'featured', p.views >= 1000, ...) AS data
//
// `data->'created_at'` is to_jsonb(blog_iso(p.created_at)) (jsonb_build_object converts each value
// as to_jsonb does), and `p.created_at` is the view's column created_at: the same expression of the
// same SELECT, so the same value in every row, null-extended by the same outer joins. Computing
// `to_jsonb("public"."blog_iso"(t."created_at"))` over the view's row gives the same JSON without
// PostgreSQL building the row's whole `data` (the SQL emitter does it only when every key the row
// needs can be had this way, see emitSql.ts).
//
// A view that calls anything volatile (implicit casts call functions the text does not name)
// computes nothing. Otherwise a key's expression qualifies when it is made only of: references to columns the view selects as
// they are; constants; calls of functions and operators that the stored rule shows are of one
// schema and not volatile (every overload of that name the view calls), emitted schema-qualified
// (`OPERATOR("pg_catalog".>=)`) so that the session's search_path cannot pick another; AND, OR,
// NOT, IS [NOT] NULL, COALESCE; casts of constants to built-in types that read the same in any
// session (text, numbers but floats, booleans, uuid, json). A sub-select, an aggregate
// or window function, a cast of a non-constant (its conversion function is not named in the
// definition), a set-returning function (it would multiply the rows), or anything else proves nothing.
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { columnRef, columnsOfRefs, dataBuildArguments, funcCall, parseView, stringConst, type Node } from './viewAst.js';
import type { RelationInfo, ViewCall } from './types.js';

/** A computed key: SQL text pieces and the view columns between them, read as `alias."column"`. */
export interface DerivedKey {
  readonly parts: readonly (string | { readonly column: string })[];
}

type Parts = DerivedKey['parts'];

const NONE: ReadonlyMap<string, DerivedKey> = new Map();

/**
 * Built-in types a constant may be cast to (`' '::text`, `2::numeric`), emitted as pg_catalog's:
 * those whose constant reads back as the same value in any session. The definition prints a
 * stored constant in the introspecting session's formats, so dates, times and intervals (DateStyle,
 * IntervalStyle) and floats (extra_float_digits may round them) are left out.
 */
const CONSTANT_TYPES = new Set(['text', 'jsonb', 'json', 'uuid', 'name', 'bpchar', 'varchar', 'numeric', 'bool', 'int2', 'int4', 'int8']);

const cache = new WeakMap<RelationInfo, ReadonlyMap<string, DerivedKey>>();

/**
 * data key -> how to compute it from the view's columns. `searchPath` is the metadata's
 * (current_schemas(false) of the introspecting session): an unqualified type name is pg_catalog's
 * only when pg_catalog is searched first, implicitly or explicitly.
 */
export function derivedKeys(relation: RelationInfo, searchPath: readonly string[]): ReadonlyMap<string, DerivedKey> {
  const cached = cache.get(relation);
  if (cached) return cached;
  const found = relation.kind === 'view' && relation.definition !== undefined && relation.calls !== undefined
    ? prove(relation.definition, relation.calls, !searchPath.includes('pg_catalog') || searchPath[0] === 'pg_catalog')
    : NONE;
  cache.set(relation, found);
  return found;
}

function prove(definition: string, calls: readonly ViewCall[], catalogFirst: boolean): ReadonlyMap<string, DerivedKey> {
  // A call the text does not spell (an implicit cast's function) may be any of the view's calls:
  // with a volatile one anywhere in the view, nothing is computed.
  if (calls.some((c) => c.volatility === 'volatile')) return NONE;
  const view = parseView(definition);
  const args = view && dataBuildArguments(view);
  if (!view || !args) return NONE;
  const columnOfRef = columnsOfRefs(view);
  const translator = new Translator(columnOfRef, calls, catalogFirst);
  const derived = new Map<string, DerivedKey>();
  for (let i = 0; i < args.length; i += 2) {
    const key = stringConst(args[i]);
    if (key === undefined) return NONE; // a computed key could be any key
    const value = args[i + 1] as Node | undefined;
    // A bare constant is not worth computing (and an untyped string has no to_jsonb).
    const parts = value === undefined || value['A_Const'] !== undefined ? undefined : translator.expression(value);
    // jsonb_build_object keeps the last value of a repeated key: the proof is about that one.
    if (parts !== undefined && parts.some((p) => typeof p !== 'string')) derived.set(key, { parts });
    else derived.delete(key);
  }
  return derived;
}

class Translator {
  constructor(
    private readonly columnOfRef: ReadonlyMap<string, string>,
    private readonly calls: readonly ViewCall[],
    private readonly catalogFirst: boolean,
  ) {}

  /** The expression over the view's columns, parenthesised; undefined when it does not qualify. */
  expression(node: unknown): Parts | undefined {
    const n = node as Node | undefined;
    if (n === undefined || typeof n !== 'object' || n === null) return undefined;
    const [kind, body] = Object.entries(n)[0] ?? [];
    const b = body as Record<string, unknown> | undefined;
    if (kind === undefined || b === undefined) return undefined;
    switch (kind) {
      case 'ColumnRef': {
        const ref = columnRef(n)?.join('.');
        const column = ref === undefined ? undefined : this.columnOfRef.get(ref);
        return column === undefined ? undefined : [{ column }];
      }
      case 'A_Const':
        return constant(b);
      case 'TypeCast':
        return this.cast(b);
      case 'FuncCall':
        return this.call(n);
      case 'A_Expr':
        return this.operator(b);
      case 'BoolExpr': {
        const args = this.list(b['args']);
        if (!args) return undefined;
        if (b['boolop'] === 'NOT_EXPR' && args.length === 1) return ['(NOT ', ...args[0]!, ')'];
        const op = b['boolop'] === 'AND_EXPR' ? ' AND ' : b['boolop'] === 'OR_EXPR' ? ' OR ' : undefined;
        return op === undefined || args.length < 2 ? undefined : ['(', ...joinParts(args, op), ')'];
      }
      case 'NullTest': {
        const arg = this.expression(b['arg']);
        const test = b['nulltesttype'] === 'IS_NULL' ? ' IS NULL' : b['nulltesttype'] === 'IS_NOT_NULL' ? ' IS NOT NULL' : undefined;
        return arg === undefined || test === undefined || b['argisrow'] === true ? undefined : ['(', ...arg, test, ')'];
      }
      case 'CoalesceExpr': {
        const args = this.list(b['args']);
        return args && args.length > 0 ? ['COALESCE(', ...joinParts(args, ', '), ')'] : undefined;
      }
      default:
        return undefined;
    }
  }

  private list(nodes: unknown): Parts[] | undefined {
    if (!Array.isArray(nodes)) return undefined;
    const out: Parts[] = [];
    for (const node of nodes) {
      const parts = this.expression(node);
      if (!parts) return undefined;
      out.push(parts);
    }
    return out;
  }

  /** A plain call of a function the view calls (never an aggregate of the same name). */
  private call(node: Node): Parts | undefined {
    const call = funcCall(node);
    if (!call || call.special) return undefined;
    const schema = this.schemaOf('function', call.name);
    const args = this.list(call.args);
    if (schema === undefined || !args) return undefined;
    return [`${quoteIdent(schema)}.${quoteIdent(call.name.at(-1)!)}(`, ...joinParts(args, ', '), ')'];
  }

  /** `a op b` or `op b` with an operator the view calls, as `(a) OPERATOR("schema".op) (b)`. */
  private operator(expr: Record<string, unknown>): Parts | undefined {
    if (expr['kind'] !== 'AEXPR_OP') return undefined;
    const name = (expr['name'] as readonly { String?: { sval?: string } }[] | undefined)?.map((p) => p.String?.sval ?? '');
    if (!name || name.some((p) => p === '')) return undefined;
    const schema = this.schemaOf('operator', name);
    const symbol = name.at(-1)!;
    if (schema === undefined || !/^[~!@#^&|`?+\-*/%<>=]+$/.test(symbol)) return undefined;
    const right = this.expression(expr['rexpr']);
    const left = expr['lexpr'] === undefined ? [] : this.expression(expr['lexpr']);
    if (!right || !left) return undefined;
    return ['(', ...left, ` OPERATOR(${quoteIdent(schema)}.${symbol}) `, ...right, ')'];
  }

  /**
   * The one schema of the functions (operators) of this name that the view calls, when none of
   * them is volatile and no aggregate or set-returning function of the name is called (either would
   * change the rows); a written schema must be that one.
   */
  private schemaOf(kind: 'function' | 'operator', name: readonly string[]): string | undefined {
    const bare = name.at(-1)!;
    // A call of an aggregate or a set-returning function of the same name could be the one written.
    if (name.length > 2 || (kind === 'function' && this.calls.some((c) => (c.kind === 'aggregate' || c.kind === 'set function') && c.name === bare))) return undefined;
    const called = this.calls.filter((c) => c.kind === kind && c.name === bare);
    const schemas = new Set(called.map((c) => c.schema));
    if (schemas.size !== 1 || called.some((c) => c.volatility === 'volatile')) return undefined;
    const schema = called[0]!.schema;
    return name.length === 2 && name[0] !== schema ? undefined : schema;
  }

  /** `constant::type` for a built-in type (its conversion is the type's input function, see CONSTANT_TYPES). */
  private cast(cast: Record<string, unknown>): Parts | undefined {
    const arg = cast['arg'] as Node | undefined;
    const constantArg = arg?.['A_Const'] as Record<string, unknown> | undefined;
    const typeName = cast['typeName'] as { names?: readonly { String?: { sval?: string } }[]; typmods?: unknown; arrayBounds?: unknown } | undefined;
    const names = typeName?.names?.map((p) => p.String?.sval ?? '');
    if (!constantArg || !names || typeName?.typmods !== undefined || typeName?.arrayBounds !== undefined) return undefined;
    // A name written without a schema is pg_catalog's only when pg_catalog is searched first.
    const builtIn = CONSTANT_TYPES.has(names.at(-1)!) && ((names.length === 2 && names[0] === 'pg_catalog') || (names.length === 1 && this.catalogFirst));
    const value = constant(constantArg);
    if (!builtIn || !value) return undefined;
    return ['CAST(', ...value, ` AS pg_catalog.${quoteIdent(names.at(-1)!)})`];
  }
}

/** A constant as the parser gives it (a zero or false value has an empty object). */
function constant(c: Record<string, unknown>): Parts | undefined {
  if (c['isnull'] === true) return ['NULL'];
  const ival = c['ival'] as { ival?: number } | undefined;
  if (ival !== undefined) return [`(${ival.ival ?? 0})`];
  const fval = c['fval'] as { fval?: string } | undefined;
  if (fval?.fval !== undefined && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(fval.fval)) return [`(${fval.fval})`];
  const boolval = c['boolval'] as { boolval?: boolean } | undefined;
  if (boolval !== undefined) return [boolval.boolval === true ? 'true' : 'false'];
  // A backslash would read differently with standard_conforming_strings off; control characters never belong.
  const sval = c['sval'] as { sval?: string } | undefined;
  // eslint-disable-next-line no-control-regex
  if (sval !== undefined && !/[\\\u0000-\u001f]/.test(sval.sval ?? '')) return [quoteLiteral(sval.sval ?? '')];
  return undefined;
}

function joinParts(items: readonly Parts[], separator: string): Parts {
  return items.flatMap((item, i) => (i === 0 ? item : [separator, ...item]));
}
