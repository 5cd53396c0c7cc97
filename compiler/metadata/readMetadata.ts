// Reads the columns of the relations named by `@view` directives from a live database.
import pg from 'pg';
import { readFunctions } from './functionMetadata.js';
import type { DatabaseMetadata, RelationInfo } from './types.js';

const RELATION_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '[]') AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid = to_regclass($1)
GROUP BY n.nspname, c.relname, c.relkind`;

const VISIBLE_SQL = `
SELECT c.relname AS name FROM pg_class c
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND pg_table_is_visible(c.oid)
  AND c.relnamespace <> 'pg_catalog'::regnamespace
ORDER BY 1`;

const KINDS: Record<string, RelationInfo['kind']> = {
  r: 'table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  p: 'partitioned table',
};

export async function readMetadata(
  databaseUrl: string,
  names: readonly string[],
  functionNames: readonly string[] = [],
): Promise<DatabaseMetadata> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const relations: Record<string, RelationInfo | null> = {};
    for (const name of [...new Set(names)].sort()) {
      const { rows } = await client.query<{ schema: string; name: string; kind: string; columns: RelationInfo['columns'] }>(
        RELATION_SQL,
        [name],
      );
      const row = rows[0];
      relations[name] = row
        ? { schema: row.schema, name: row.name, kind: KINDS[row.kind] ?? 'table', columns: row.columns }
        : null;
    }
    const visible = await client.query<{ name: string }>(VISIBLE_SQL);
    const functions = functionNames.length > 0 ? { functions: await readFunctions(client, functionNames) } : {};
    return { relations, visibleRelations: visible.rows.map((r) => r.name), ...functions };
  } finally {
    await client.end();
  }
}
