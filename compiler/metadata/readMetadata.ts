// Reads the database metadata the compiler needs from a live database: every table and view of the
// non-system schemas with their columns, function signatures, enum types and indexes. Objects that
// belong to extensions are left out. The result is sorted, so it snapshots and diffs well.
import pg from 'pg';
import { normalizeMetadata } from './normalize.js';
import {
  METADATA_FORMAT,
  METADATA_VERSION,
  type ArgumentMode,
  type DatabaseMetadata,
  type EnumInfo,
  type FunctionInfo,
  type FunctionKind,
  type IndexInfo,
  type RelationInfo,
  type RelationKind,
  type ViewCall,
} from './types.js';

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
const NOT_EXTENSION = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

// A column that never reads NULL (ColumnInfo.notNull): a NOT NULL of a table or a partitioned table
// (a foreign table's is not checked against the remote rows), and not of a table with inheritance
// children (before PostgreSQL 18 a child could drop it), and not PostgreSQL 18's NOT NULL ... NOT
// VALID, whose existing rows may still hold NULL (attnotnull is true; its pg_constraint row, of
// contype 'n' that older versions do not have, says it is not validated).
const NOT_NULL = `a.attnotnull AND (c.relkind = 'p' OR (c.relkind = 'r' AND NOT c.relhassubclass))
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'n' AND NOT k.convalidated AND a.attnum = ANY (k.conkey))`;

// RelationInfo.calls: the functions (FuncExpr :funcid; set-returning ones apart), operators (OpExpr and its kin :opno) and
// aggregates and window functions (:aggfnoid, :winfnoid) in the view's stored rule, the parse
// tree PostgreSQL resolved when the view was created (pg_rewrite.ev_action), so each name is the
// object the view really calls, built-in or not, whatever the search path. Constants are stored
// as bytes there, so only real references match; the most volatile overload per name ('i' < 's' < 'v').
const VIEW_CALLS = `(SELECT coalesce(json_agg(json_build_object('kind', k.kind, 'schema', k.schema, 'name', k.name,
                       'volatility', CASE k.volatility WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END)
                       ORDER BY k.kind, k.schema, k.name), '[]')
   FROM (SELECT x.kind, pn.nspname AS schema, x.name, max(x.volatility) AS volatility, x.namespace
         FROM pg_rewrite r
         CROSS JOIN LATERAL (
           SELECT CASE WHEN f.proretset THEN 'set function' ELSE 'function' END AS kind, f.proname::text AS name, f.pronamespace AS namespace,
                  f.provolatile::text AS volatility
           FROM regexp_matches(r.ev_action::text, ':funcid (\\d+)', 'g') AS m JOIN pg_proc f ON f.oid = m[1]::oid
           UNION ALL
           SELECT 'operator', o.oprname::text, o.oprnamespace, f.provolatile::text
           FROM regexp_matches(r.ev_action::text, ':opno (\\d+)', 'g') AS m JOIN pg_operator o ON o.oid = m[1]::oid JOIN pg_proc f ON f.oid = o.oprcode
           UNION ALL
           SELECT 'aggregate', f.proname::text, f.pronamespace, f.provolatile::text
           FROM regexp_matches(r.ev_action::text, ':(?:aggfnoid|winfnoid) (\\d+)', 'g') AS m JOIN pg_proc f ON f.oid = m[1]::oid
         ) x
         JOIN pg_namespace pn ON pn.oid = x.namespace
         WHERE r.ev_class = c.oid AND r.rulename = '_RETURN'
         GROUP BY x.kind, pn.nspname, x.name, x.namespace) k)`;

const RELATIONS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                           'notNull', ${NOT_NULL})
                ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '[]') AS columns,
       CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid, true) END AS definition,
       CASE WHEN c.relkind = 'v' THEN ${VIEW_CALLS} END AS calls
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND ${USER_NAMESPACE} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
GROUP BY c.oid, n.nspname, c.relname, c.relkind`;

// Arguments with their mode and type category, the number of trailing inputs with a default, and
// the attributes of a composite return type (what mutations check a @function against).
const FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, p.prokind::text AS kind, pg_get_function_result(p.oid) AS returns,
       format_type(p.prorettype, NULL) AS "returnType", p.proretset AS "returnsSet", p.pronargdefaults::int AS defaults,
       coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                 FROM pg_attribute a
                 WHERE a.attrelid = rt.typrelid AND rt.typrelid <> 0 AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS "returnFields",
       coalesce((SELECT json_agg(json_build_object('name', coalesce(p.proargnames[a.i], ''),
                                                   'type', format_type(a.t, NULL),
                                                   'mode', coalesce(p.proargmodes[a.i]::text, 'i'),
                                                   'category', ty.typcategory::text) ORDER BY a.i)
                 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS a(t, i)
                 JOIN pg_type ty ON ty.oid = a.t), '[]') AS arguments
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
WHERE ${USER_NAMESPACE} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}`;

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE ${USER_NAMESPACE} AND ${NOT_EXTENSION('pg_type', 't.oid')}
GROUP BY n.nspname, t.typname`;

// IndexInfo.unique: enforced for every row the table reads at every moment: not deferrable, valid
// (not a failed CREATE INDEX CONCURRENTLY), and not on a table with inheritance children (whose rows
// the index does not cover).
const INDEXES_SQL = `
SELECT n.nspname AS schema, c.relname AS table, i.relname AS name, am.amname AS method, x.indisunique AND x.indimmediate AND x.indisvalid AND NOT (c.relkind = 'r' AND c.relhassubclass) AS unique,
       (SELECT json_agg(pg_get_indexdef(x.indexrelid, k, true) ORDER BY k)
        FROM generate_series(1, x.indnkeyatts) AS k) AS keys,
       pg_get_expr(x.indpred, x.indrelid, true) AS predicate
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE ${USER_NAMESPACE} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`;

const KINDS: Readonly<Record<string, RelationKind>> = {
  r: 'table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  p: 'partitioned table',
};

const MODES: Readonly<Record<string, ArgumentMode>> = { i: 'in', o: 'out', b: 'inout', v: 'variadic', t: 'table' };
const FUNCTION_KINDS: Readonly<Record<string, FunctionKind>> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };

interface FunctionRow {
  schema: string;
  name: string;
  kind: string;
  returns: string;
  returnType: string;
  returnsSet: boolean;
  defaults: number;
  returnFields: FunctionInfo['returnFields'];
  arguments: { name: string; type: string; mode: string; category: string }[];
}

function functionInfo(f: FunctionRow): FunctionInfo {
  // The last `defaults` input arguments (in, inout, variadic) have defaults.
  const inputs = f.arguments.flatMap((a, i) => (a.mode === 'i' || a.mode === 'b' || a.mode === 'v' ? [i] : []));
  const withDefault = new Set(f.defaults > 0 ? inputs.slice(inputs.length - f.defaults) : []);
  return {
    schema: f.schema,
    name: f.name,
    kind: FUNCTION_KINDS[f.kind] ?? 'function',
    arguments: f.arguments.map((a, i) => ({
      name: a.name,
      type: a.type,
      mode: MODES[a.mode] ?? 'in',
      category: a.category,
      hasDefault: withDefault.has(i),
    })),
    returns: f.returns,
    returnType: f.returnType,
    returnsSet: f.returnsSet,
    returnFields: f.returnFields,
  };
}

export async function readMetadata(databaseUrl: string): Promise<DatabaseMetadata> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // One snapshot for all queries, so a concurrent migration cannot give a mixed picture.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const searchPath = await client.query<{ schemas: string[] }>('SELECT current_schemas(false)::text[] AS schemas');
    const relations = await client.query<{
      schema: string; name: string; kind: string; columns: { name: string; type: string; notNull: boolean }[]; definition: string | null; calls: ViewCall[] | null;
    }>(RELATIONS_SQL);
    const functions = await client.query<FunctionRow>(FUNCTIONS_SQL);
    const enums = await client.query<EnumInfo>(ENUMS_SQL);
    const indexes = await client.query<IndexInfo>(INDEXES_SQL);
    await client.query('COMMIT');
    return normalizeMetadata({
      format: METADATA_FORMAT,
      version: METADATA_VERSION,
      searchPath: searchPath.rows[0]?.schemas ?? [],
      relations: relations.rows.map((r) => ({
        schema: r.schema,
        name: r.name,
        kind: KINDS[r.kind] ?? 'table',
        columns: r.columns.map((c) => ({ name: c.name, type: c.type, ...(c.notNull === true ? { notNull: true as const } : {}) })),
        ...(r.definition !== null ? { definition: r.definition } : {}),
        ...(r.calls !== null ? { calls: r.calls } : {}),
      })),
      functions: functions.rows.map(functionInfo),
      enums: enums.rows,
      indexes: indexes.rows,
    });
  } finally {
    await client.end();
  }
}
