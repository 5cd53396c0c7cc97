// Reads the signatures of the functions named by `@function` directives: argument names, types,
// modes and defaults, and the return type (with its attributes when it is a composite such as
// FraiseQL's mutation_response). Plain JSON, so it snapshots with the view metadata.
import type pg from 'pg';

export interface FunctionArgument {
  /** '' for an unnamed argument. */
  readonly name: string;
  /** format_type of the argument, e.g. `uuid`, `jsonb`, `text[]`. */
  readonly type: string;
  /** pg_proc.proargmodes: i (in), o (out), b (inout), v (variadic), t (table column). */
  readonly mode: 'i' | 'o' | 'b' | 'v' | 't';
  /** pg_type.typcategory of the type (E for enums, A for arrays, ...). */
  readonly category: string;
  readonly hasDefault: boolean;
}

export interface FunctionInfo {
  readonly schema: string;
  readonly name: string;
  /** pg_proc.prokind: f (function), p (procedure), a (aggregate), w (window). */
  readonly kind: string;
  readonly args: readonly FunctionArgument[];
  readonly returnType: string;
  readonly returnsSet: boolean;
  /** Attributes of a composite return type (empty otherwise). */
  readonly returnFields: readonly { readonly name: string; readonly type: string }[];
}

const FUNCTION_SQL = `
SELECT n.nspname AS schema, p.proname AS name, p.prokind::text AS kind, p.proretset AS "returnsSet",
       format_type(p.prorettype, NULL) AS "returnType", p.pronargdefaults AS defaults,
       coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = rt.typrelid AND rt.typrelid <> 0 AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS "returnFields",
       coalesce((SELECT json_agg(json_build_object('name', coalesce(p.proargnames[x.i], ''), 'type', format_type(x.t, NULL),
                                                   'mode', coalesce(p.proargmodes[x.i]::text, 'i'), 'category', ty.typcategory::text) ORDER BY x.i)
                 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS x(t, i)
                 JOIN pg_type ty ON ty.oid = x.t), '[]') AS args
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
WHERE p.proname = $1 AND CASE WHEN $2::text IS NULL THEN pg_function_is_visible(p.oid) ELSE n.nspname = $2 END
ORDER BY p.oid`;

interface Row {
  schema: string;
  name: string;
  kind: string;
  returnsSet: boolean;
  returnType: string;
  defaults: number;
  returnFields: FunctionInfo['returnFields'];
  args: Omit<FunctionArgument, 'hasDefault'>[];
}

/** `name` as written in @function(name:): `fn_x` (search path) or `schema.fn_x`. */
export async function readFunctions(client: pg.Client, names: readonly string[]): Promise<Record<string, FunctionInfo[]>> {
  const out: Record<string, FunctionInfo[]> = {};
  for (const written of [...new Set(names)].sort()) {
    const dot = written.indexOf('.');
    const [schema, name] = dot < 0 ? [null, written] : [written.slice(0, dot), written.slice(dot + 1)];
    const { rows } = await client.query<Row>(FUNCTION_SQL, [name, schema]);
    out[written] = rows.map((row) => {
      // The last `defaults` input arguments have defaults.
      const inputs = row.args.map((a, i) => ({ a, i })).filter(({ a }) => a.mode === 'i' || a.mode === 'b' || a.mode === 'v');
      const withDefault = new Set(inputs.slice(inputs.length - row.defaults).map(({ i }) => i));
      return {
        schema: row.schema,
        name: row.name,
        kind: row.kind,
        returnsSet: row.returnsSet,
        returnType: row.returnType,
        returnFields: row.returnFields,
        args: row.args.map((a, i) => ({ ...a, hasDefault: row.defaults > 0 && withDefault.has(i) })),
      };
    });
  }
  return out;
}
