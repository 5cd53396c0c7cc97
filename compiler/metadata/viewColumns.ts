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
import { columnRef, columnsOfRefs, dataBuildArguments, parseView, stringConst } from './viewAst.js';

/** Column types whose value has the same JSON text through jsonb_build_object and json_build_object. */
const SAME_JSON_TYPES = /^(uuid|text|integer|bigint|smallint|boolean|character varying(\(\d+\))?)$/;

const NONE: ReadonlyMap<string, string> = new Map();
const cache = new Map<string, ReadonlyMap<string, string>>();

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
  const view = parseView(definition);
  const args = view && dataBuildArguments(view);
  if (!view || !args) return NONE;
  const columnOfRef = columnsOfRefs(view);
  const proven = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = stringConst(args[i]);
    if (key === undefined) return NONE; // a computed key could be any key
    const ref = columnRef(args[i + 1])?.join('.');
    const column = ref === undefined ? undefined : columnOfRef.get(ref);
    const type = column === undefined ? undefined : columns.get(column);
    // jsonb_build_object keeps the last value of a repeated key: a later non-column value wins.
    if (column !== undefined && type !== undefined && SAME_JSON_TYPES.test(type)) proven.set(key, column);
    else proven.delete(key);
  }
  return proven;
}
