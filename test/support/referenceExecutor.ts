// A reference implementation of Fraise's query semantics, used as a test oracle. It shares no code
// with the compiler on purpose: it builds an executable graphql-js schema from the Fraise SDL, loads
// whole views with `SELECT *`, and evaluates projection, relations, filters, ordering and paging in
// plain JavaScript, following docs/schema.md. Simplicity and obvious correctness beat speed here.
//
// Assumptions it checks: the database collation and ctype are "C" (string order = code point order,
// ILIKE folds ASCII only); zone-less timestamps are read in the session zone, which must be UTC.
import {
  GraphQLError,
  Kind,
  buildASTSchema,
  execute,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  NoUnusedFragmentsRule,
  parse,
  specifiedRules,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type TypeNode,
} from 'graphql';
import type pg from 'pg';
import { and, isJsonObject, jsonContains, jsonEqual, jsonGet, jsonHasKey, like, not, or, type Tri } from './pgSemantics.js';

export interface ReferenceOptions {
  pool: pg.Pool;
  schemaSdl: string;
  document: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  /** Request context as the runtime applies it: `set_config(key, value, true)` before reading. */
  settings?: Record<string, string>;
  /**
   * Field-level authorization (test/auth): the error code a field is refused with, or null. A
   * refused field's resolver throws, so graphql-js applies its own null propagation and paths.
   */
  refuse?: (parentType: string, fieldName: string) => string | null;
}

export interface ReferenceResult {
  data?: unknown;
  errors?: unknown[];
}

export async function executeReference(opts: ReferenceOptions): Promise<ReferenceResult> {
  const schema = buildReferenceSchema(opts.schemaSdl);
  let document: DocumentNode;
  try {
    document = parse(opts.document);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
    throw error;
  }
  // Unused fragments are tolerated so that a shared fragments file can be appended to any operation.
  const invalid = validate(schema, document, specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule));
  if (invalid.length > 0) return { errors: invalid.map((e) => e.toJSON()) };

  const client = await opts.pool.connect();
  try {
    // One snapshot for the whole execution, and the same session settings the runtime would apply.
    // A mutation runs read-write and commits, as the runtime's does.
    const operation = document.definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (opts.operationName === undefined || d.name?.value === opts.operationName),
    );
    const mutation = operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === 'mutation';
    await client.query(mutation ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const [key, value] of Object.entries(opts.settings ?? {})) {
      await client.query('SELECT set_config($1, $2, true)', [key, value]);
    }
    const ctx = await createContext(client);
    const result = await execute({
      schema,
      document,
      operationName: opts.operationName,
      variableValues: opts.variables,
      contextValue: ctx,
      fieldResolver: opts.refuse === undefined ? resolveField : refusing(opts.refuse),
      typeResolver: resolveType,
    });
    if (mutation) await client.query(result.errors ? 'ROLLBACK' : 'COMMIT');
    const out: ReferenceResult = {};
    if (result.errors) out.errors = result.errors.map((e) => e.toJSON());
    // A JSON round trip gives plain objects (graphql-js builds null-prototype ones).
    if (result.data !== undefined) out.data = JSON.parse(JSON.stringify(result.data));
    return out;
  } finally {
    // A client whose ROLLBACK fails is broken: release(error) discards it instead of pooling it.
    const broken = await client.query('ROLLBACK').then(() => undefined, (error: Error) => error);
    client.release(broken);
  }
}

function refusing(refuse: NonNullable<ReferenceOptions['refuse']>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const code = refuse(info.parentType.name, info.fieldName);
    if (code !== null) throw new GraphQLError(`refused: ${code}`, { extensions: { code } });
    return resolveField(source as never, args, context as never, info);
  };
}

// ---------------------------------------------------------------------------------------------
// Schema: the SDL plus the directives, scalars and generated inputs described in docs/schema.md.

const BUILTIN_SCALARS = ['ID', 'String', 'Int', 'Float', 'Boolean'];
/**
 * Output fields of built-in scalar types are retyped to identity scalars named `Out_<Name>`, because
 * graphql-js would coerce values (a JSON number in an ID field becomes a string) while Fraise returns
 * the JSON values of `data` unchanged. Inputs keep the built-in scalars.
 */
const OUT_PREFIX = 'Out_';

const PRELUDE = `
directive @view(name: String!) on OBJECT | FIELD_DEFINITION
directive @jsonKey(name: String!) on FIELD_DEFINITION
directive @column(name: String!) on FIELD_DEFINITION
directive @filter(column: String, op: String) on ARGUMENT_DEFINITION
directive @textSearch(config: String!) on FIELD_DEFINITION | ARGUMENT_DEFINITION
directive @relation(foreignKey: String, localKey: String, references: String) on FIELD_DEFINITION
directive @function(name: String!) on FIELD_DEFINITION
directive @authenticated on OBJECT | FIELD_DEFINITION
directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION
directive @sensitive on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | VARIABLE_DEFINITION
scalar DateTime
scalar Date
scalar UUID
scalar JSON
scalar TSVector
enum OrderDirection { ASC DESC ASC_NULLS_FIRST ASC_NULLS_LAST DESC_NULLS_FIRST DESC_NULLS_LAST }
${BUILTIN_SCALARS.map((s) => `scalar ${OUT_PREFIX}${s}`).join('\n')}
`;

const COMPARE_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const TEXT_OPS = ['like', 'ilike', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith'];
const LIST_LEN_OPS = ['len_eq', 'len_neq', 'len_gt', 'len_gte', 'len_lt', 'len_lte'];

/** The operators of `<Scalar>Filter`, per docs/schema.md and FraiseQL's operator names. */
function filterOps(scalar: string): string[] {
  switch (scalar) {
    case 'String':
    case 'ID':
      return [...COMPARE_OPS, 'in', 'nin', ...TEXT_OPS];
    case 'Int':
    case 'Float':
    case 'DateTime':
    case 'Date':
      return [...COMPARE_OPS, 'in', 'nin'];
    case 'JSON':
      return ['eq', 'neq', 'in', 'nin', 'has_key', 'contains', 'contained_by'];
    case 'TSVector':
      return [...Object.keys(TSQUERY_FUNCTIONS)];
    default: // Boolean, UUID, enums, custom scalars
      return ['eq', 'neq', 'in', 'nin'];
  }
}

function filterInput(name: string, scalar: string): string {
  const fields = filterOps(scalar).map((op) => {
    if (op === 'in' || op === 'nin') return `${op}: [${scalar}!]`;
    if (op === 'has_key' || scalar === 'TSVector') return `${op}: String`;
    return `${op}: ${scalar}`;
  });
  return `input ${name} { ${fields.join(' ')} isnull: Boolean }`;
}

function listFilterInput(name: string, scalar: string): string {
  const fields = ['contains', 'contained_by', 'overlaps'].map((op) => `${op}: [${scalar}!]`);
  fields.push(...LIST_LEN_OPS.map((op) => `${op}: Int`));
  return `input ${name} { ${fields.join(' ')} isnull: Boolean }`;
}

const schemaCache = new Map<string, GraphQLSchema>();

/** The executable schema the oracle serves for a Fraise SDL (cached per SDL text). */
export function buildReferenceSchema(sdl: string): GraphQLSchema {
  let schema = schemaCache.get(sdl);
  if (!schema) {
    schema = buildSchemaUncached(sdl);
    schemaCache.set(sdl, schema);
  }
  return schema;
}

function buildSchemaUncached(sdl: string): GraphQLSchema {
  const user = parse(sdl);
  const defined = new Set<string>();
  const objectFields = new Map<string, FieldDefinitionNode[]>();
  const scalars = new Set([...BUILTIN_SCALARS, 'DateTime', 'Date', 'UUID', 'JSON', 'TSVector']);
  const enums = new Set<string>();
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  for (const def of user.definitions) {
    if ('name' in def && def.name && def.kind !== Kind.OBJECT_TYPE_EXTENSION) defined.add(def.name.value);
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const fields = objectFields.get(def.name.value) ?? [];
      objectFields.set(def.name.value, [...fields, ...(def.fields ?? [])]);
    }
    if (def.kind === Kind.SCALAR_TYPE_DEFINITION) scalars.add(def.name.value);
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) enums.add(def.name.value);
    if (def.kind === Kind.SCHEMA_DEFINITION) {
      for (const op of def.operationTypes) roots.add(op.type.name.value);
    }
  }

  const generated: string[] = [];
  const filters = new Map<string, string>(); // input name -> definition
  const orderInputs = new Map<string, string[]>();
  for (const [typeName, fields] of objectFields) {
    if (roots.has(typeName)) continue;
    const whereFields: string[] = [];
    const orderFields: string[] = [];
    for (const field of fields) {
      const named = namedTypeOf(field.type);
      const list = isListTypeNode(field.type);
      const isRelation = field.directives?.some((d) => d.name.value === 'relation') ?? false;
      if (objectFields.has(named)) {
        // Relations filter by EXISTS; embedded objects by path. Embedded lists of objects: no filter.
        if (isRelation || !list) whereFields.push(`${field.name.value}: ${named}Where`);
        // A single related row or embedded object orders by its fields.
        if (!list) orderFields.push(`${field.name.value}: ${named}OrderBy`);
      } else if (scalars.has(named) || enums.has(named)) {
        const filter = `${named}${list ? 'List' : ''}Filter`;
        if (!filters.has(filter)) filters.set(filter, list ? listFilterInput(filter, named) : filterInput(filter, named));
        whereFields.push(`${field.name.value}: ${filter}`);
        if (!list && named !== 'JSON' && named !== 'TSVector') orderFields.push(`${field.name.value}: OrderDirection`); // jsonb has no useful order
      }
    }
    const where = `${typeName}Where`;
    generated.push(`input ${where} { ${whereFields.join(' ')} AND: [${where}!] OR: [${where}!] NOT: ${where} }`);
    orderInputs.set(typeName, orderFields);
  }
  // Types with no scalar to order by get no OrderBy input, and references to them are dropped.
  const orderable = new Set([...orderInputs].filter(([, f]) => f.some((x) => x.endsWith(': OrderDirection'))).map(([t]) => t));
  for (const [typeName, fields] of orderInputs) {
    const kept = fields.filter((f) => f.endsWith(': OrderDirection') || orderable.has(f.slice(f.indexOf(': ') + 2, -'OrderBy'.length)));
    if (orderable.has(typeName)) generated.push(`input ${typeName}OrderBy { ${kept.join(' ')} }`);
  }
  generated.push(...filters.values());

  // Definitions the SDL already has win (e.g. when it is the compiler's printed full schema).
  const extra = parse(`${PRELUDE}\n${generated.join('\n')}`).definitions.filter(
    (def) => !('name' in def && def.name && defined.has(def.name.value)),
  );
  const definitions: DefinitionNode[] = [...user.definitions.map(retypeOutputScalars), ...extra];
  return buildASTSchema({ kind: Kind.DOCUMENT, definitions });
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

function isListTypeNode(type: TypeNode): boolean {
  return type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && isListTypeNode(type.type));
}

function retypeOutputScalars(def: DefinitionNode): DefinitionNode {
  switch (def.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
      return { ...def, fields: def.fields?.map((f) => ({ ...f, type: retype(f.type) })) };
    default:
      return def;
  }
}

function retype<T extends TypeNode>(type: T): T {
  if (type.kind === Kind.NAMED_TYPE) {
    const name = type.name.value;
    return BUILTIN_SCALARS.includes(name) ? { ...type, name: { ...type.name, value: OUT_PREFIX + name } } : type;
  }
  return { ...type, type: retype(type.type) };
}

// ---------------------------------------------------------------------------------------------
// Rows and values.

/** How PostgreSQL compares a value: the type a column has, or the cast applied to a data value. */
type ValueKind = 'text' | 'int' | 'float' | 'bool' | 'timestamptz' | 'date' | 'uuid' | 'json';

interface Column {
  readonly raw: unknown; // PostgreSQL's text output (parsed only for json/jsonb), null for NULL
  readonly kind: ValueKind;
  readonly oid: number;
}
interface Row {
  readonly columns: ReadonlyMap<string, Column>;
  /** The view's `data`; for a view without one, the row as a JSON object (column name -> value). */
  readonly data: unknown;
  /** The whole row as JSON (`to_jsonb` of it): what `@column` fields read. */
  readonly json: Record<string, unknown>;
}
/** A GraphQL object value: a view row (with its columns) or an object embedded in `data`. */
interface Obj {
  readonly row?: Row;
  readonly value: unknown;
}
interface Ctx {
  /** The execution's client, one query at a time (see serialQueries). */
  readonly query: SerialQuery;
  readonly views: Map<string, Promise<Row[]>>;
  readonly utc: boolean;
}
type Key = string | number | bigint | boolean | unknown;

// numeric is compared as a double: fine for test data, lossy beyond 15 digits.
const OID_KINDS: Record<number, ValueKind> = {
  16: 'bool', 20: 'int', 21: 'int', 23: 'int', 26: 'int', 700: 'float', 701: 'float', 1700: 'float',
  1082: 'date', 1114: 'timestamptz', 1184: 'timestamptz', 2950: 'uuid', 114: 'json', 3802: 'json',
};
const FIELD_KINDS: Record<string, ValueKind> = {
  Int: 'int', Float: 'float', Boolean: 'bool', DateTime: 'timestamptz', Date: 'date', UUID: 'uuid', JSON: 'json',
};
// Rows are read as text so that no value is rounded or shifted by node-postgres's parsers.
const RAW_TEXT: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

type SerialQuery = <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<pg.QueryResult<R>>;

/**
 * graphql-js resolves sibling fields concurrently, all on the execution's one client (one
 * snapshot). pg deprecates calling client.query while the client still has a query waiting (an
 * error from pg 9), so each query waits here for the previous one to settle instead.
 */
function serialQueries(client: pg.PoolClient): SerialQuery {
  let previous: Promise<unknown> = Promise.resolve();
  return <R extends pg.QueryResultRow>(config: pg.QueryConfig) => {
    const result = previous.then(() => client.query<R>(config));
    previous = result.catch(() => {});
    return result;
  };
}

async function createContext(client: pg.PoolClient): Promise<Ctx> {
  const { rows } = await client.query<{ datcollate: string; datctype: string; tz: string }>(
    `SELECT datcollate, datctype, current_setting('TimeZone') AS tz FROM pg_database WHERE datname = current_database()`,
  );
  const db = rows[0];
  if (!db || !['C', 'POSIX'].includes(db.datcollate) || !['C', 'POSIX'].includes(db.datctype)) {
    throw new Error(`referenceExecutor mirrors the "C" collation only; this database has ${JSON.stringify(db)}`);
  }
  return { query: serialQueries(client), views: new Map(), utc: ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Zulu'].includes(db.tz) };
}

function loadView(ctx: Ctx, view: string): Promise<Row[]> {
  let rows = ctx.views.get(view);
  if (!rows) {
    rows = (async () => {
      const name = view.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
      // The row as JSON too: views in FraiseQL's column style have no `data`; their fields read columns.
      const res = await ctx.query<Record<string, string | null>>({ text: `SELECT t.*, to_jsonb(t) AS "${ROW_JSON}" FROM ${name} t`, types: RAW_TEXT });
      return toRows(res);
    })();
    ctx.views.set(view, rows);
  }
  return rows;
}

const ROW_JSON = '__fraise_row_json';

/** Rows read with their JSON (`SELECT t.*, to_jsonb(t) AS ROW_JSON`): columns as text, data or the row as JSON. */
function toRows(res: pg.QueryResult<Record<string, string | null>>): Row[] {
  const fields = res.fields.filter((f) => f.name !== ROW_JSON);
  const hasData = fields.some((f) => f.name === 'data' && f.dataTypeID === 3802);
  return res.rows.map((r) => {
    const json = JSON.parse(r[ROW_JSON]!) as Record<string, unknown>;
    return {
      columns: new Map(
        fields.map((f): [string, Column] => {
          const kind = OID_KINDS[f.dataTypeID] ?? 'text';
          const raw = r[f.name] ?? null;
          return [f.name, { kind, oid: f.dataTypeID, raw: kind === 'json' && raw !== null ? JSON.parse(raw) : raw }];
        }),
      ),
      data: hasData ? (r.data == null ? null : JSON.parse(r.data)) : json,
      json,
    };
  });
}

function oracleError(message: string): GraphQLError {
  return new GraphQLError(message);
}

function snakeCase(name: string): string {
  return name.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function directiveArgs(node: FieldDefinitionNode | { directives?: FieldDefinitionNode['directives'] } | null | undefined, name: string): Record<string, string> | undefined {
  const directive = node?.directives?.find((d) => d.name.value === name);
  if (!directive) return undefined;
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, a.value.kind === Kind.STRING ? a.value.value : '']));
}

function viewOf(type: GraphQLObjectType): string | undefined {
  return directiveArgs(type.astNode, 'view')?.name;
}

function dataKey(field: GraphQLField<unknown, unknown>): string {
  return directiveArgs(field.astNode, 'column')?.name ?? directiveArgs(field.astNode, 'jsonKey')?.name ?? snakeCase(field.name);
}

/** A field's JSON value: `@column` fields read the row's column, the others the key of the object (or data). */
function fieldValue(o: Obj, field: GraphQLField<unknown, unknown>): unknown {
  const column = directiveArgs(field.astNode, 'column')?.name;
  if (column !== undefined && o.row) return jsonGet(o.row.json, column);
  return jsonGet(o.value, dataKey(field));
}

function fieldKind(field: GraphQLField<unknown, unknown>): ValueKind {
  const name = getNamedType(field.type).name.replace(OUT_PREFIX, '');
  return FIELD_KINDS[name] ?? 'text'; // ID, String, enums and custom scalars compare as text
}

function column(row: Row, name: string): Column {
  const col = row.columns.get(name);
  if (!col) throw oracleError(`the view has no column "${name}"`);
  return col;
}

/** What a filter or ordering on `field` compares: the plain column named like the data key, else the data value. */
function operand(o: Obj, field: GraphQLField<unknown, unknown>): { kind: ValueKind; raw: unknown } {
  const key = dataKey(field);
  const col = key === 'data' ? undefined : o.row?.columns.get(key);
  if (col) return { kind: col.kind, raw: col.raw };
  return { kind: fieldKind(field), raw: fieldValue(o, field) };
}

/** Converts a value (column text, JSON value or GraphQL input) the way a cast to `kind` would. */
function toKey(ctx: Ctx, kind: ValueKind, v: unknown): Key {
  const fail = (): never => {
    throw oracleError(`cannot read ${JSON.stringify(v)} as ${kind}`);
  };
  switch (kind) {
    case 'text':
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fail();
    case 'int':
      if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : fail();
      return typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? BigInt(v.trim()) : fail();
    case 'float': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isNaN(n) ? fail() : n;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(t|true|y|yes|on|1)$/i.test(v.trim())) return true;
      return typeof v === 'string' && /^(f|false|n|no|off|0)$/i.test(v.trim()) ? false : fail();
    case 'timestamptz':
      return typeof v === 'string' ? timestampMicros(ctx, v) : fail();
    case 'date': {
      const m = typeof v === 'string' ? /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])/.exec(v.trim()) : null;
      return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : fail();
    }
    case 'uuid': {
      const hex = typeof v === 'string' ? v.replace(/[{}-]/g, '').toLowerCase() : '';
      return /^[0-9a-f]{32}$/.test(hex) ? hex : fail();
    }
    case 'json':
      return v; // json/jsonb columns are parsed when loaded; data values are JSON already
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/** A timestamp as microseconds since the epoch (PostgreSQL's precision; JS Dates keep only ms). */
function timestampMicros(ctx: Ctx, text: string): bigint {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) throw oracleError(`cannot read "${text}" as a timestamp`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  if (!zone && !ctx.utc) throw oracleError(`timestamp "${text}" has no zone and the session zone is not UTC`);
  let micros = BigInt(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))) * 1000n;
  micros += BigInt((frac + '000000').slice(0, 6)) + (frac.length > 6 && frac[6]! >= '5' ? 1n : 0n);
  if (zone && zone.toUpperCase() !== 'Z') {
    const [hh = '0', mm = '0', ss = '0'] = zone.slice(1).match(/\d\d/g) ?? [];
    const offset = BigInt(Number(hh) * 3600 + Number(mm) * 60 + Number(ss)) * 1_000_000n;
    micros -= zone[0] === '-' ? -offset : offset;
  }
  return micros;
}

/** Ordering within one kind; text in the "C" collation is byte order, which is code point order. */
function compareKeys(kind: ValueKind, a: Key, b: Key): number {
  switch (kind) {
    case 'text':
      return Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));
    case 'json':
      throw oracleError('JSON values have no order');
    case 'bool':
      return Number(a) - Number(b);
    default:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
}

function sameKey(kind: ValueKind, a: Key, b: Key): boolean {
  return kind === 'json' ? jsonEqual(a, b) : compareKeys(kind, a, b) === 0;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Filters, with SQL's three-valued logic: a comparison with NULL is unknown, NOT unknown is unknown,
// and a row is kept only when its filter is true (and/or/not: ./pgSemantics.ts).

async function matches(ctx: Ctx, type: GraphQLObjectType, o: Obj, where: Record<string, unknown>): Promise<Tri> {
  const results: Tri[] = [];
  for (const [key, arg] of Object.entries(where)) {
    if (arg === undefined) continue;
    if (arg === null) throw oracleError(`"${key}" in a ${type.name} filter is null`);
    if (key === 'AND' || key === 'OR') {
      const parts: Tri[] = [];
      for (const w of arg as Record<string, unknown>[]) parts.push(await matches(ctx, type, o, w));
      results.push(key === 'AND' ? and(parts) : or(parts));
    } else if (key === 'NOT') {
      results.push(not(await matches(ctx, type, o, arg as Record<string, unknown>)));
    } else {
      const field = type.getFields()[key];
      if (!field) throw oracleError(`${type.name} has no field "${key}"`);
      const target = getNamedType(field.type);
      const sub = arg as Record<string, unknown>;
      if (isObjectType(target)) {
        const relation = directiveArgs(field.astNode, 'relation');
        if (relation) {
          // EXISTS: true if any related row matches, never unknown.
          let found = false;
          for (const row of await relatedRows(ctx, o, field, target, relation)) {
            if ((await matches(ctx, target, { row, value: row.data }, sub)) === true) found = true;
          }
          results.push(found);
        } else {
          results.push(await matches(ctx, target, { value: fieldValue(o, field) }, sub));
        }
      } else if (getNamedType(field.type).name === 'TSVector') {
        results.push(await textSearchMatches(ctx, operand(o, field).raw, sub, directiveArgs(field.astNode, 'textSearch')?.config ?? null));
      } else {
        results.push(fieldMatches(ctx, field, o, sub));
      }
    }
  }
  return and(results);
}

function fieldMatches(ctx: Ctx, field: GraphQLField<unknown, unknown>, o: Obj, ops: Record<string, unknown>): Tri {
  const list = isListType(getNullableType(field.type));
  // List fields are always read from data (a JSON array); scalars prefer the plain column.
  const { kind, raw } = list ? { kind: 'json' as const, raw: fieldValue(o, field) } : operand(o, field);
  const results: Tri[] = [];
  for (const [op, arg] of Object.entries(ops)) {
    if (arg === undefined) continue;
    if (op === 'isnull') {
      if (arg !== null) results.push(arg ? raw === null : raw !== null);
      continue;
    }
    if (arg === null) throw oracleError(`operator "${op}" on "${field.name}" was given an explicit null`);
    if (raw === null) {
      results.push(null); // null never matches anything but isnull
    } else if (list) {
      results.push(listOp(op, raw, arg));
    } else if (kind === 'json' && ['has_key', 'contains', 'contained_by'].includes(op)) {
      results.push(jsonOp(op, toKey(ctx, kind, raw), arg));
    } else {
      results.push(scalarOp(ctx, op, kind, raw, arg));
    }
  }
  return and(results);
}

function scalarOp(ctx: Ctx, op: string, kind: ValueKind, raw: unknown, arg: unknown): boolean {
  const x = toKey(ctx, kind, raw);
  const key = (v: unknown) => toKey(ctx, kind, v);
  const text = () => toKey(ctx, 'text', raw) as string; // LIKE works on the value's text
  const s = arg as string;
  switch (op) {
    case 'eq': return sameKey(kind, x, key(arg));
    case 'neq': return !sameKey(kind, x, key(arg));
    case 'gt': return compareKeys(kind, x, key(arg)) > 0;
    case 'gte': return compareKeys(kind, x, key(arg)) >= 0;
    case 'lt': return compareKeys(kind, x, key(arg)) < 0;
    case 'lte': return compareKeys(kind, x, key(arg)) <= 0;
    case 'in': return (arg as unknown[]).some((v) => sameKey(kind, x, key(v)));
    case 'nin': return !(arg as unknown[]).some((v) => sameKey(kind, x, key(v)));
    case 'like': return like(text(), s, false);
    case 'ilike': return like(text(), s, true);
    case 'contains': return like(text(), `%${escapeLike(s)}%`, false);
    case 'icontains': return like(text(), `%${escapeLike(s)}%`, true);
    case 'startswith': return like(text(), `${escapeLike(s)}%`, false);
    case 'istartswith': return like(text(), `${escapeLike(s)}%`, true);
    case 'endswith': return like(text(), `%${escapeLike(s)}`, false);
    case 'iendswith': return like(text(), `%${escapeLike(s)}`, true);
    default: throw oracleError(`unknown operator "${op}"`);
  }
}

function listOp(op: string, raw: unknown, arg: unknown): boolean {
  if (!Array.isArray(raw)) throw oracleError(`expected a JSON array, got ${JSON.stringify(raw)}`);
  const n = arg as number;
  switch (op) {
    case 'contains': return jsonContains(raw, arg);
    case 'contained_by': return jsonContains(arg, raw);
    case 'overlaps': return raw.some((e) => (arg as unknown[]).some((a) => jsonEqual(e, a)));
    case 'len_eq': return raw.length === n;
    case 'len_neq': return raw.length !== n;
    case 'len_gt': return raw.length > n;
    case 'len_gte': return raw.length >= n;
    case 'len_lt': return raw.length < n;
    case 'len_lte': return raw.length <= n;
    default: throw oracleError(`unknown list operator "${op}"`);
  }
}

function jsonOp(op: string, value: unknown, arg: unknown): boolean {
  switch (op) {
    case 'has_key': return jsonHasKey(value, arg as string);
    case 'contains': return jsonContains(value, arg);
    default: return jsonContains(arg, value);
  }
}

// ---------------------------------------------------------------------------------------------
// Relations, lists and resolvers.

/**
 * Rows of `target` related to `parent`: `foreignKey` names the target's column that equals this
 * row's `references` column (default `id`); `localKey` names this row's column that equals the
 * target's `references` column (default `id`). SQL `=`: a NULL key relates to nothing.
 */
async function relatedRows(
  ctx: Ctx, parent: Obj, field: GraphQLField<unknown, unknown>, target: GraphQLObjectType, relation: Record<string, string>,
): Promise<Row[]> {
  if (!parent.row) throw oracleError(`relation "${field.name}" on an embedded object is not supported`);
  const view = viewOf(target);
  if (!view) throw oracleError(`relation "${field.name}" targets ${target.name}, which has no @view`);
  const rows = await loadView(ctx, view);
  const { foreignKey, localKey, references = 'id' } = relation;
  const [theirs, mine] = foreignKey ? [foreignKey, references] : localKey ? [references, localKey] : ['', ''];
  if (!theirs) throw oracleError(`relation "${field.name}" needs foreignKey or localKey`);
  const key = column(parent.row, mine);
  if (key.raw === null) return [];
  return rows.filter((r) => {
    const other = column(r, theirs);
    return other.raw !== null && sameKey(key.kind, toKey(ctx, key.kind, key.raw), toKey(ctx, key.kind, other.raw));
  });
}

/** FraiseQL's full-text operators and the functions PostgreSQL parses their queries with. */
const TSQUERY_FUNCTIONS: Record<string, string> = {
  matches: 'to_tsquery', plain_query: 'plainto_tsquery', phrase_query: 'phraseto_tsquery', websearch_query: 'websearch_to_tsquery',
};

/**
 * Full-text matching is PostgreSQL's own (stemming, dictionaries): the oracle asks the server for
 * `vector @@ function(config, query)` on the row's value, one operator at a time.
 */
async function textSearchMatches(ctx: Ctx, raw: unknown, ops: Record<string, unknown>, config: string | null, isText = false): Promise<Tri> {
  const results: Tri[] = [];
  for (const [op, arg] of Object.entries(ops)) {
    if (arg === undefined) continue;
    if (op === 'isnull') {
      if (arg !== null) results.push(arg ? raw === null : raw !== null);
      continue;
    }
    const fn = TSQUERY_FUNCTIONS[op];
    if (!fn) throw oracleError(`unknown text search operator "${op}"`);
    if (raw === null) {
      results.push(null);
      continue;
    }
    const vector = isText ? (config === null ? 'to_tsvector($1::text)' : 'to_tsvector($3::regconfig, $1::text)') : '$1::tsvector';
    const query = config === null ? `${fn}($2::text)` : `${fn}($3::regconfig, $2::text)`;
    const params = config === null ? [raw, arg] : [raw, arg, config];
    const { rows } = await ctx.query<{ m: boolean }>({ text: `SELECT ${vector} @@ ${query} AS m`, values: params });
    results.push(rows[0]!.m);
  }
  return and(results);
}

/**
 * Field arguments other than where/orderBy/limit/offset filter the rows (docs/schema.md): the column
 * named like the argument (snake_case), or `@filter(column:, op:)`; equality unless op says otherwise.
 * graphql-js has already applied the SDL defaults; a null or omitted argument filters nothing.
 */
async function argumentFilter(ctx: Ctx, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, objs: Obj[]): Promise<Obj[]> {
  let kept = objs;
  for (const def of field.args) {
    if (['where', 'orderBy', 'limit', 'offset'].includes(def.name)) continue;
    const value = args[def.name];
    if (value === undefined || value === null) continue;
    const spec = directiveArgs(def.astNode, 'filter') ?? {};
    const columnName = spec.column ?? snakeCase(def.name);
    const op = spec.op ?? 'eq';
    const next: Obj[] = [];
    for (const o of kept) {
      const col = o.row?.columns.get(columnName);
      const raw = col ? col.raw : jsonGet(o.row?.data, columnName);
      const kind: ValueKind = col ? col.kind : FIELD_KINDS[getNamedType(def.type).name] ?? 'text';
      let hit: Tri;
      if (op in TSQUERY_FUNCTIONS) {
        const config = directiveArgs(def.astNode, 'textSearch')?.config ?? null;
        hit = await textSearchMatches(ctx, raw, { [op]: value }, config, col?.kind === 'text' && !isTsvector(col));
      } else {
        hit = raw === null ? null : scalarOp(ctx, op, kind, raw, value);
      }
      if (hit === true) next.push(o);
    }
    kept = next;
  }
  return kept;
}

function isTsvector(col: Column): boolean {
  return col.oid === 3614;
}

interface ListArgs {
  where?: Record<string, unknown> | null;
  orderBy?: Record<string, unknown>[] | null;
  limit?: number | null;
  offset?: number | null;
}

async function list(ctx: Ctx, type: GraphQLObjectType, rows: Row[], args: ListArgs, field?: GraphQLField<unknown, unknown>): Promise<Obj[]> {
  let objs: Obj[] = rows.map((row) => ({ row, value: row.data }));
  if (field) objs = await argumentFilter(ctx, field, args as Record<string, unknown>, objs);
  if (args.where) {
    const kept: Obj[] = [];
    for (const o of objs) if ((await matches(ctx, type, o, args.where)) === true) kept.push(o);
    objs = kept;
  }
  objs = await sortRows(ctx, type, objs, args.orderBy ?? []);
  const offset = args.offset ?? 0;
  if (offset < 0) throw oracleError('OFFSET must not be negative');
  if (args.limit != null && args.limit < 0) throw oracleError('LIMIT must not be negative');
  return objs.slice(offset, args.limit == null ? undefined : offset + args.limit);
}

interface SortTerm {
  readonly value: (o: Obj) => Promise<{ kind: ValueKind; key: Key } | null>;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/**
 * orderBy items in order (each item's fields in their order; an embedded object orders by its
 * fields, a single relation by the related row's), then the view's `id` ascending. ASC puts NULLs
 * last, DESC first, unless the direction says otherwise.
 */
async function sortRows(ctx: Ctx, type: GraphQLObjectType, objs: Obj[], orderBy: Record<string, unknown>[]): Promise<Obj[]> {
  const keyOf = (kind: ValueKind, raw: unknown) => (raw === null ? null : { kind, key: toKey(ctx, kind, raw) });
  const terms: SortTerm[] = [];
  const addTerms = (t: GraphQLObjectType, item: Record<string, unknown>, reach: (o: Obj) => Promise<Obj | null>): void => {
    for (const [name, dir] of Object.entries(item)) {
      if (dir == null) continue;
      const field = t.getFields()[name];
      if (!field) throw oracleError(`${t.name} has no field "${name}"`);
      const target = getNamedType(field.type);
      if (isObjectType(target)) {
        const relation = directiveArgs(field.astNode, 'relation');
        addTerms(target, dir as Record<string, unknown>, async (o) => {
          const parent = await reach(o);
          if (!parent) return null;
          if (!relation) return { value: fieldValue(parent, field) };
          const row = (await relatedRows(ctx, parent, field, target, relation))[0];
          return row ? { row, value: row.data } : null;
        });
        continue;
      }
      const direction = dir as string;
      terms.push({
        value: async (o) => {
          const at = await reach(o);
          if (!at) return null;
          const { kind, raw } = operand(at, field);
          return keyOf(kind, raw);
        },
        desc: direction.startsWith('DESC'),
        nullsFirst: direction === 'DESC' || direction.endsWith('NULLS_FIRST'),
      });
    }
  };
  for (const item of orderBy) addTerms(type, item, async (o) => o);
  terms.push({
    value: async (o) => {
      const id = o.row?.columns.get('id');
      return id ? keyOf(id.kind, id.raw) : null;
    },
    desc: false,
    nullsFirst: false,
  });
  const decorated: { o: Obj; keys: ({ kind: ValueKind; key: Key } | null)[] }[] = [];
  for (const o of objs) {
    const keys: ({ kind: ValueKind; key: Key } | null)[] = [];
    for (const term of terms) keys.push(await term.value(o));
    decorated.push({ o, keys });
  }
  decorated.sort((a, b) => {
    for (const [i, term] of terms.entries()) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === null && y === null) continue;
      if (x === null) return term.nullsFirst ? -1 : 1;
      if (y === null) return term.nullsFirst ? 1 : -1;
      const c = compareKeys(x.kind, x.key, y.key);
      if (c !== 0) return term.desc ? -c : c;
    }
    return 0;
  });
  return decorated.map((d) => d.o);
}

/** A value read from `data`, shaped for graphql-js: objects become `Obj`, leaves stay as they are. */
function project(type: GraphQLOutputType, value: unknown): unknown {
  if (isNonNullType(type)) return project(type.ofType, value);
  if (value === null || value === undefined) return null;
  if (isListType(type)) {
    if (!Array.isArray(value)) throw oracleError(`expected a JSON array, got ${JSON.stringify(value)}`);
    return value.map((e) => project(type.ofType, e));
  }
  if (isLeafType(type)) return value;
  return { value } satisfies Obj;
}

const resolveField: GraphQLFieldResolver<unknown, Ctx, Record<string, unknown>> = async (source, args, ctx, info) => {
  const field = info.parentType.getFields()[info.fieldName];
  if (!field) throw oracleError(`unknown field ${info.fieldName}`);
  const target = getNamedType(field.type);
  const isList = isListType(getNullableType(field.type));
  if (info.parentType === info.schema.getMutationType()) return callFunction(ctx, field, args);
  if (info.operation.operation === 'subscription') throw oracleError('the reference executor runs queries and mutations only');

  if (info.parentType === info.schema.getQueryType()) {
    // A root field's own @view serves its type from another view.
    const view = isObjectType(target) ? (directiveArgs(field.astNode, 'view')?.name ?? viewOf(target)) : undefined;
    if (!view || !isObjectType(target)) throw oracleError(`root field "${field.name}" is not a @view type`);
    const rows = await loadView(ctx, view);
    if (isList) return list(ctx, target, rows, args as ListArgs, field);
    // Lookup: every argument names a plain column (camelCase -> snake_case), compared with `=`.
    const hits = rows.filter((row) =>
      Object.entries(args).every(([name, v]) => {
        if (v === undefined) return true;
        const col = column(row, snakeCase(name));
        return v !== null && col.raw !== null && sameKey(col.kind, toKey(ctx, col.kind, col.raw), toKey(ctx, col.kind, v));
      }),
    );
    return (await list(ctx, target, hits, {}))[0] ?? null;
  }

  const parent = source as Obj;
  const relation = directiveArgs(field.astNode, 'relation');
  if (relation && isObjectType(target)) {
    const rows = await relatedRows(ctx, parent, field, target, relation);
    const objs = await list(ctx, target, rows, args as ListArgs, isList ? field : undefined);
    return isList ? objs : (objs[0] ?? null);
  }
  return project(field.type, fieldValue(parent, field));
};

/**
 * A mutation field: calls its @function with named arguments (a parameter named like the
 * argument in snake_case, with or without `p_`; an omitted argument is left out so the function's
 * DEFAULT holds), then reads what it returns: rows (SETOF a view or table, a table row, a
 * composite) as view rows, or one jsonb value. Functions returning mutation_response are not
 * modelled here. Views read earlier in the request are forgotten: the function changed them.
 */
async function callFunction(ctx: Ctx, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Promise<unknown> {
  const fn = directiveArgs(field.astNode, 'function')?.name;
  if (!fn) throw oracleError(`mutation field "${field.name}" has no @function`);
  const { rows: procs } = await ctx.query<{ names: string[] | null; retset: boolean; rettype: string }>({
    text: `SELECT p.proargnames AS names, p.proretset AS retset, format_type(p.prorettype, NULL) AS rettype FROM pg_proc p WHERE p.oid = $1::regproc`,
    values: [fn],
  });
  const proc = procs[0];
  if (!proc) throw oracleError(`function ${fn} not found`);
  const params: unknown[] = [];
  const named: string[] = [];
  for (const def of field.args) {
    if (!Object.hasOwn(args, def.name)) continue;
    const snake = snakeCase(def.name);
    const param = (proc.names ?? []).find((n) => n === snake || n === `p_${snake}`);
    if (!param) throw oracleError(`function ${fn} has no parameter for argument "${def.name}"`);
    const value = args[def.name];
    params.push(value !== null && typeof value === 'object' ? JSON.stringify(value) : value);
    named.push(`"${param}" => $${params.length}`);
  }
  ctx.views.clear();
  const call = `${fn}(${named.join(', ')})`;
  if (proc.rettype === 'jsonb' || proc.rettype === 'json') {
    const { rows } = await ctx.query<{ v: unknown }>({ text: `SELECT ${call}::jsonb AS v`, values: params });
    return project(field.type, rows[0]?.v ?? null);
  }
  const res = await ctx.query<Record<string, string | null>>({ text: `SELECT t.*, to_jsonb(t) AS "${ROW_JSON}" FROM ${call} t`, values: params, types: RAW_TEXT });
  const rows = toRows(res);
  // A single composite that found nothing is a row of NULLs: no object.
  const objs = rows.filter((row) => [...row.columns.values()].some((c) => c.raw !== null)).map((row) => ({ row, value: row.data }));
  return isListType(getNullableType(field.type)) ? objs : (objs[0] ?? null);
}

/** Abstract types (unions, interfaces) embedded in data name their member in `__typename`. */
const resolveType: GraphQLTypeResolver<unknown, Ctx> = (source) => {
  const value = (source as Obj).value;
  return isJsonObject(value) && typeof value.__typename === 'string' ? value.__typename : undefined;
};
