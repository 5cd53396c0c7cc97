// Generates the body of an operation's `prepare(variables)`: the coercion of each declared
// variable (specialised to its type, no generic GraphQL interpretation at run time), the choice of
// statement variant, and the layout of bind values.
import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
  valueFromAST,
  type GraphQLInputType,
  type GraphQLNamedType,
  getNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { ViewCatalog } from '../metadata/checkSchema.js';
import type { ConnectionArgs, Param } from '../plan/ir.js';
import { CONNECTION_HELPERS_SOURCE, computedValueCode, connectionLines } from './connectionCode.js';
import type { SlotOut } from '../sql/emitSql.js';
import { DynamicCode, LIKE_HELPERS_SOURCE } from './dynamicCode.js';
import { MAX_REGEX_LENGTH } from '../plan/planArguments.js';
import type { Condition, OptionalFilterVariable } from '../plan/conditions.js';
import { argumentDefaults } from '../plan/argumentDefaults.js';
import type { SqlPiece } from '../sql/template.js';

/** Scalar checks, emitted into a module only when one of its variables needs them. */
export const SCALAR_COERCERS: Readonly<Record<string, string>> = {
  String: `(v: unknown) => (typeof v === 'string' ? v : INVALID)`,
  ID: `(v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : INVALID)`,
  Int: `(v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : INVALID)`,
  Float: `(v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : INVALID)`,
  Boolean: `(v: unknown) => (typeof v === 'boolean' ? v : INVALID)`,
  DateTime: `(v: unknown) => (typeof v === 'string' && /^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}(:?\\d{2})?)$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : INVALID)`,
  Date: `(v: unknown) => (typeof v === 'string' && /^\\d{4}-\\d{2}-\\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : INVALID)`,
  UUID: `(v: unknown) => (typeof v === 'string' && /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v) ? v : INVALID)`,
  JSON: `(v: unknown) => v`,
};

export interface StatementOut {
  readonly name: string;
  readonly text: string;
}

export interface TemplateOut {
  /** Prefix of the names of the statements expanded from it (a hash of the pieces). */
  readonly name: string;
  readonly pieces: readonly SqlPiece[];
  /** What each dynamic part reads when its variable is omitted (for the listed statement). */
  readonly fallbacks: readonly string[];
}

/** One @include/@skip variant: a fixed statement, or a template with optional filters. */
export interface VariantOut {
  readonly kind: 'statement' | 'template';
  readonly index: number;
  readonly params: readonly Param[];
  /** The dynamic parts of a template (whole-variable where/orderBy), in `{ slot }` order. */
  readonly slots: readonly SlotOut[];
  /** The connections of the variant, whose paging arguments `prepare` decodes. */
  readonly connections: readonly ConnectionArgs[];
}

export interface PrepareInput {
  readonly schema: GraphQLSchema;
  readonly catalog: ViewCatalog;
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly conditions: readonly Condition[];
  readonly optionalFilters: readonly OptionalFilterVariable[];
  /** Indexed by the bit pattern of `conditions`. */
  readonly variants: readonly VariantOut[];
}

export interface PrepareCode {
  /** Module-level helper declarations. */
  readonly helpers: string;
  /** The body of `prepare(variables)`. */
  readonly body: string;
  /** Whether the module builds dynamic parts (and so needs the shape cache for them). */
  readonly dynamic: boolean;
}

export function prepareCode(input: PrepareInput): PrepareCode {
  const { schema, operation, conditions, optionalFilters } = input;
  const { fallbacks } = argumentDefaults(schema, operation, input.fragments);
  const used = new Set<string>();
  const enums = new Map<string, readonly string[]>();
  const lines: string[] = ['const input = variables ?? {};', 'const errors: GraphQLResponseError[] = [];'];
  const nonNegative = new Set(
    input.variants.flatMap((v) => v.params).flatMap((p) => (p.encoding === 'nonNegativeInt' && p.source.kind === 'Variable' ? [p.source.name] : [])),
  );
  // Variables compared with uuid columns must look like UUIDs, or PostgreSQL would fail the cast.
  const uuidChecked = new Set(
    input.variants.flatMap((v) => v.params).flatMap((p) => (/^uuid(\[\])?$/.test(p.sqlType) && p.source.kind === 'Variable' ? [p.source.name] : [])),
  );
  const maxima = new Map(
    input.variants.flatMap((v) => v.params).flatMap((p) => (p.max !== undefined && p.source.kind === 'Variable' ? [[p.source.name, p.max] as const] : [])),
  );
  const strictNull = new Set(optionalFilters.filter((o) => !o.nullMeansOmitted).map((o) => o.variable));
  const allParams = input.variants.flatMap((v) => v.params);
  const regexChecked = new Set(
    allParams.flatMap((p) => (p.source.kind === 'Variable' && p.sqlType === 'text' && p.regex ? [p.source.name] : [])),
  );
  const dynamic = new DynamicCode({
    schema,
    catalog: input.catalog,
    coercer: (type) => {
      const expression = coercerExpression(type as GraphQLInputType, used, enums);
      return expression;
    },
  });

  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType;
    const local = varLocal(name);
    const typeText = print(def.type);
    lines.push('', `// $${name}: ${typeText}${def.defaultValue ? ` = ${print(def.defaultValue)}` : ''}`);
    lines.push(`let ${local}: unknown = input[${JSON.stringify(name)}];`);
    if (def.defaultValue) {
      const value = valueFromAST(def.defaultValue, type);
      lines.push(`if (${local} === undefined) ${local} = ${JSON.stringify(value)};`);
    } else if (fallbacks.has(name)) {
      // Omitted: the argument it fills takes its SDL default (GraphQL's CoerceArgumentValues).
      lines.push(`if (${local} === undefined) ${local} = ${JSON.stringify(fallbacks.get(name))};`);
    }
    if (isNonNullType(type)) {
      lines.push(
        `if (${local} === undefined) errors.push(badInput(${JSON.stringify(`Variable "$${name}" of required type "${typeText}" was not provided.`)}));`,
        `else if (${local} === null) errors.push(badInput(${JSON.stringify(`Variable "$${name}" of non-null type "${typeText}" must not be null.`)}));`,
      );
    } else if (strictNull.has(name)) {
      lines.push(
        `if (${local} === null) errors.push(badInput(${JSON.stringify(`Variable "$${name}" is null, but it is the value of a filter operator; omit it to leave the filter out, or use isnull.`)}));`,
      );
    }
    const coerce = coercerExpression(type, used, enums);
    const uuidCheck = uuidChecked.has(name)
      ? [
          `  if (coerced !== INVALID && [coerced].flat().some((x) => x !== null && coerceUUID(x) === INVALID)) {`,
          `    errors.push(badInput(\`Variable "$${name}" got invalid value \${show(${local})}; it is compared with a uuid column, so it must be a UUID.\`));`,
          `  }`,
        ]
      : [];
    if (uuidCheck.length > 0) used.add('UUID');
    lines.push(
      `if (${local} !== undefined && ${local} !== null) {`,
      `  const coerced = ${coerce}(${local});`,
      `  if (coerced === INVALID) errors.push(badInput(\`Variable "$${name}" got invalid value \${show(${local})}; expected type "${typeText}".\`));`,
      ...uuidCheck,
      `  ${local} = coerced;`,
      `}`,
    );
    if (textual(type)) {
      lines.push(
        `if (hasNulText(${local})) errors.push(badInput(${JSON.stringify(`Variable "$${name}" contains the NUL character (U+0000), which PostgreSQL text cannot hold.`)}));`,
      );
    }
    if (regexChecked.has(name)) {
      lines.push(
        `if (typeof ${local} === 'string' && ${local}.length > ${MAX_REGEX_LENGTH}) errors.push(badInput(${JSON.stringify(`Variable "$${name}" is a regular expression longer than ${MAX_REGEX_LENGTH} characters.`)}));`,
      );
    }
    const max = maxima.get(name);
    if (max !== undefined) {
      lines.push(
        `if (typeof ${local} === 'number' && ${local} > ${max}) errors.push(badInput(${JSON.stringify(`Variable "$${name}" is larger than the maximum page size, ${max}.`)}));`,
      );
    }
    if (nonNegative.has(name)) {
      lines.push(
        `if (typeof ${local} === 'number' && ${local} < 0) errors.push(badInput(${JSON.stringify(`Variable "$${name}" must not be negative.`)}));`,
      );
    }
  }
  lines.push('', 'if (errors.length > 0) return { ok: false, errors };');

  const variantBits = conditions.map((c, i) => `(${varLocal(c.variable)} === true ? ${1 << i} : 0)`);
  const filterBits = optionalFilters.map(
    (o, i) => `(${varLocal(o.variable)} !== undefined && ${varLocal(o.variable)} !== null ? ${2 ** i} : 0)`,
  );
  if (filterBits.length > 0) {
    lines.push('// Each optional filter whose variable was given sets its bit; the others read TRUE.');
    lines.push(`const present = ${filterBits.join(' | ')};`);
  }
  const present = filterBits.length > 0 ? 'present' : '0';
  const returnFor = (v: VariantOut): string => {
    const paging = connectionLines(v.connections);
    return paging ? `{ ${paging} ${returnForVariant(v)} }` : returnForVariant(v);
  };
  // Build-time tables (introspection) are module constants, named by their order.
  const tables = new Map<string, string>();
  const returnForVariant = (v: VariantOut): string => {
    const values = `[${v.params.map((p) => valueCode(p, tables)).join(', ')}]`;
    if (v.kind === 'statement') return `return { ok: true, statement: statements[${v.index}]!, values: ${values} };`;
    if (v.slots.length === 0) {
      return `{ const all: unknown[] = ${values}; const shape = shapeOf(${v.index}, ${present}); return { ok: true, statement: shape.statement, values: shape.params.map((i) => all[i]) }; }`;
    }
    // Whole variables: generated functions build each dynamic part; its text is the shape's key.
    const fragments = v.slots.map((slot) => dynamic.slotExpression(slot, varLocal(slot.slot.variable)));
    return (
      `{ const b = newBuilder(); const fragments = [${fragments.join(', ')}]; ` +
      `if (b.errors.length > 0) return { ok: false, errors: b.errors }; ` +
      `const all: unknown[] = ${values}; const shape = shapeOf(${v.index}, ${present}, fragments, b.params.length); ` +
      `return { ok: true, statement: shape.statement, values: [...b.params, ...shape.params.map((i) => all[i])] }; }`
    );
  };
  if (variantBits.length === 0) {
    lines.push(returnFor(input.variants[0]!));
  } else {
    lines.push(`const variant = ${variantBits.join(' | ')};`, 'switch (variant) {');
    input.variants.forEach((v, i) => lines.push(`  case ${i}: ${returnFor(v)}`));
    lines.push(`  default: throw new Error('unreachable variant');`, '}');
  }

  const helpers = [
    ...[...tables].map(([table, name]) => `const ${name}: Readonly<Record<string, string>> = ${table};`),
    `const INVALID = Symbol('invalid');`,
    `const badInput = (message: string): GraphQLResponseError => ({ message, extensions: { code: 'BAD_USER_INPUT' } });`,
    `const show = (value: unknown): string => { try { return JSON.stringify(value) ?? String(value); } catch { return String(value); } };`,
    ...[...used].sort().map((s) => `const coerce${s} = ${SCALAR_COERCERS[s]!};`),
    ...[...enums].map(([n, values]) => `const coerce${n} = (v: unknown) => (typeof v === 'string' && ${JSON.stringify(values)}.includes(v) ? v : INVALID);`),
  ];
  const dynamicSource = dynamic.source();
  const withConnections = input.variants.some((v) => v.connections.length > 0);
  if (lines.some((l) => l.includes('hasNulText(')) || withConnections) {
    helpers.push(`const hasNulText = (v: unknown): boolean => [v].flat().some((x) => typeof x === 'string' && x.includes('\\u0000'));`);
  }
  if (lines.some((l) => l.includes('coerceList(')) || dynamicSource.includes('coerceList(')) {
    helpers.push(
      `const coerceList = (v: unknown, item: (x: unknown) => unknown, nullable = true): unknown => {`,
      `  const items = Array.isArray(v) ? v : [v];`,
      `  const out = items.map((x) => (x === null ? (nullable ? null : INVALID) : item(x)));`,
      `  return out.includes(INVALID) ? INVALID : out;`,
      `};`,
    );
  }
  if (allParams.some((p) => p.encoding.startsWith('like')) || dynamicSource.includes('likeContains(')) helpers.push(LIKE_HELPERS_SOURCE);
  if (dynamicSource) helpers.push(dynamicSource);
  if (withConnections) helpers.push(CONNECTION_HELPERS_SOURCE);
  return { helpers: helpers.join('\n'), body: lines.join('\n'), dynamic: dynamic.used };
}

function coercerExpression(type: GraphQLInputType, used: Set<string>, enums: Map<string, readonly string[]>): string {
  if (isNonNullType(type)) return coercerExpression(type.ofType, used, enums);
  if (isListType(type)) {
    const item = coercerExpression(type.ofType, used, enums);
    // Also mark list usage so the helper gets emitted.
    return `((v: unknown) => coerceList(v, ${item}))`;
  }
  const named = type as GraphQLNamedType;
  // Input objects (where, orderBy, filter variables) are validated by their generated builders.
  if (isInputObjectType(named)) return `((v: unknown) => v)`;
  if (isEnumType(named)) {
    enums.set(named.name, named.getValues().map((v) => v.name));
    return `coerce${named.name}`;
  }
  if (SCALAR_COERCERS[named.name]) {
    used.add(named.name);
    return `coerce${named.name}`;
  }
  return `((v: unknown) => INVALID)`;
}

export function varLocal(name: string): string {
  return `$${name}`;
}

function valueCode(param: Param, tables: Map<string, string>): string {
  if (param.source.kind === 'Table') {
    const text = JSON.stringify(param.source.table);
    let name = tables.get(text);
    if (name === undefined) tables.set(text, (name = `table${tables.size}`));
    // A String that names no type reads as null (the entry computed for an unknown name).
    const exact = param.source.variables.map((v) => `${varLocal(v.name)} ?? null`);
    const unknown = param.source.variables.map((v) => (v.names ? 'null' : `${varLocal(v.name)} ?? null`));
    const lookups = [exact, unknown].map((values) => `${name}[JSON.stringify([${values.join(', ')}])]`);
    return `(${[...new Set(lookups)].join(' ?? ')} ?? 'null')`;
  }
  const computed = computedValueCode(param.source);
  if (computed !== undefined) return computed;
  const value = param.source.kind === 'Const' ? JSON.stringify(param.source.value ?? null) : param.source.kind === 'Variable' ? varLocal(param.source.name) : 'null';
  if (param.max !== undefined) return `(${value} ?? ${param.max})`;
  if (param.encoding === 'json') {
    // An array of JSON values binds as jsonb[] (in/nin on JSON), anything else as one jsonb.
    return param.sqlType.endsWith('[]') ? `(${value} as unknown[] | null)?.map((x) => JSON.stringify(x))` : `JSON.stringify(${value})`;
  }
  if (param.encoding === 'likeContains' || param.encoding === 'likeStartsWith' || param.encoding === 'likeEndsWith') {
    return `${param.encoding}(${value})`;
  }
  return value;
}

/** Whether values of the type are (lists of) text, which must not hold NUL characters. */
function textual(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return named.name === 'String' || named.name === 'ID';
}
