// Generates the body of an operation's `prepare(variables)`: the plan of its variables (checked
// by the runtime's checkVariables), the choice of statement variant, and the layout of bind values.
// Everything generic (coercers, error messages, whole-variable filters) is imported from the runtime.
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
  valueFromAST,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { ViewCatalog } from '../metadata/checkSchema.js';
import type { ConnectionArgs, Param } from '../plan/ir.js';
import type { Condition, OptionalFilterVariable } from '../plan/conditions.js';
import type { SlotOut } from '../sql/emitSql.js';
import { argumentDefaults } from '../plan/argumentDefaults.js';
import type { SqlPiece } from '@fraise/runtime';
import { SCALAR_COERCERS } from '@fraise/runtime';
import { computedValueCode, connectionLines } from './connectionCode.js';
import { DynamicCode, jsString } from './dynamicCode.js';
import { varLocal } from './names.js';
import type { RuntimeHelper, RuntimeImports } from './runtimeImports.js';

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
  /** Collects the runtime helpers the module imports. */
  readonly imports: RuntimeImports;
  readonly catalog: ViewCatalog;
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly conditions: readonly Condition[];
  readonly optionalFilters: readonly OptionalFilterVariable[];
  /** Indexed by the bit pattern of `conditions`. */
  readonly variants: readonly VariantOut[];
}

export interface PrepareCode {
  /** Module-level declarations specific to the operation: enum checks, whole-variable tables, the variable plan. */
  readonly helpers: string;
  /** The body of `prepare(variables)`. */
  readonly body: string;
}

export function prepareCode(input: PrepareInput): PrepareCode {
  const { schema, operation, conditions, optionalFilters, imports } = input;
  const use = imports.use.bind(imports);
  const { fallbacks } = argumentDefaults(schema, operation, input.fragments);
  const enums = new Map<string, readonly string[]>();
  const variableParams = input.variants.flatMap((v) => v.params).filter((p) => p.source.kind === 'Variable');
  const paramsOf = (name: string): Param[] => variableParams.filter((p) => p.source.kind === 'Variable' && p.source.name === name);
  const strictNull = new Set(optionalFilters.filter((o) => !o.nullMeansOmitted).map((o) => o.variable));
  const dynamic = new DynamicCode({
    schema,
    catalog: input.catalog,
    imports,
    coercer: (type) => coercerExpression(type as GraphQLInputType, imports, enums),
  });

  // One entry per variable: what the runtime checks (runtime/variables.ts), derived from its type
  // and from where the operation uses it.
  const plans: string[] = [];
  const locals: string[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType;
    const params = paramsOf(name);
    const entries = [`name: ${jsString(name)}`, `type: ${jsString(print(def.type))}`, `coerce: ${coercerExpression(type, imports, enums)}`];
    if (isNonNullType(type)) entries.push('required: true');
    if (def.defaultValue) entries.push(`default: ${JSON.stringify(valueFromAST(def.defaultValue, type))}`);
    // Omitted: the argument it fills takes its SDL default (GraphQL's CoerceArgumentValues).
    else if (fallbacks.has(name)) entries.push(`default: ${JSON.stringify(fallbacks.get(name))}`);
    if (!isNonNullType(type) && strictNull.has(name)) entries.push('nullRefused: true');
    // Compared with a uuid column: it must look like a UUID, or PostgreSQL would fail the cast.
    if (params.some((p) => /^uuid(\[\])?$/.test(p.sqlType))) entries.push('uuid: true');
    if (textual(type)) entries.push('text: true');
    if (params.some((p) => p.sqlType === 'text' && p.regex === true)) entries.push('regex: true');
    const max = params.find((p) => p.max !== undefined)?.max;
    if (max !== undefined) entries.push(`max: ${max}`);
    if (params.some((p) => p.encoding === 'nonNegativeInt')) entries.push('nonNegative: true');
    plans.push(`  { ${entries.join(', ')} },`);
    locals.push(`${name}: ${varLocal(name)}`);
  }
  const lines: string[] = [`const checked = ${use('checkVariables')}(variables, variablePlans);`, 'if (!checked.ok) return checked;'];
  if (locals.length > 0) lines.push(`const { ${locals.join(', ')} } = checked.values;`);

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
    const paging = connectionLines(v.connections, imports);
    return paging ? `{ ${paging} ${returnForVariant(v)} }` : returnForVariant(v);
  };
  // Build-time tables (introspection) are module constants, named by their order.
  const tables = new Map<string, string>();
  const returnForVariant = (v: VariantOut): string => {
    const values = `[${v.params.map((p) => valueCode(p, imports, tables)).join(', ')}]`;
    if (v.kind === 'statement') return `return { ok: true, statement: statements[${v.index}]!, values: ${values} };`;
    if (v.slots.length === 0) {
      return `{ const all: unknown[] = ${values}; const shape = shapeOf(${v.index}, ${present}); return { ok: true, statement: shape.statement, values: shape.params.map((i) => all[i]) }; }`;
    }
    // Whole variables: the runtime builds each dynamic part from the module's tables; its text is the shape's key.
    const fragments = v.slots.map((slot) => dynamic.slotExpression(slot, varLocal(slot.slot.variable)));
    return (
      `{ const builder = ${use('newBuilder')}(); const fragments = [${fragments.join(', ')}]; ` +
      `if (builder.errors.length > 0) return { ok: false, errors: builder.errors }; ` +
      `const all: unknown[] = ${values}; const shape = shapeOf(${v.index}, ${present}, fragments, builder.params.length); ` +
      `return { ok: true, statement: shape.statement, values: [...builder.params, ...shape.params.map((i) => all[i])] }; }`
    );
  };
  if (variantBits.length === 0) {
    lines.push(returnFor(input.variants[0]!));
  } else {
    lines.push(`const variant = ${variantBits.join(' | ')};`, 'switch (variant) {');
    input.variants.forEach((v, i) => lines.push(`  case ${i}: ${returnFor(v)}`));
    lines.push(`  default: throw new Error('unreachable variant');`, '}');
  }

  // Enum checks first: the whole-variable tables and the variable plan read them when the module loads.
  const helpers = [
    ...[...tables].map(([table, name]) => `const ${name}: Readonly<Record<string, string>> = ${table};`),
    ...[...enums].map(([n, values]) => `const coerce${n} = ${use('enumCoercer')}(${JSON.stringify(values)});`),
  ];
  const dynamicSource = dynamic.source();
  if (dynamicSource) helpers.push(dynamicSource);
  helpers.push(`/** How each variable is checked (runtime/variables.ts). */\nconst variablePlans: readonly ${imports.type('VariablePlan')}[] = [\n${plans.join('\n')}\n];`);
  return { helpers: helpers.join('\n\n'), body: lines.join('\n') };
}

/** The coercer of an input type: a runtime check, or a module-level enum check. */
function coercerExpression(type: GraphQLInputType, imports: RuntimeImports, enums: Map<string, readonly string[]>): string {
  if (isNonNullType(type)) return coercerExpression(type.ofType, imports, enums);
  if (isListType(type)) return `${imports.use('listOf')}(${coercerExpression(type.ofType, imports, enums)})`;
  const named = type as GraphQLNamedType;
  // Input objects (where, orderBy, filter variables) are checked by their whole-variable tables.
  if (isInputObjectType(named)) return imports.use('coerceAny');
  if (isEnumType(named)) {
    enums.set(named.name, named.getValues().map((v) => v.name));
    return `coerce${named.name}`;
  }
  if (SCALAR_COERCERS[named.name]) return imports.use(`coerce${named.name}` as RuntimeHelper);
  return imports.use('coerceNothing');
}

function valueCode(param: Param, imports: RuntimeImports, tables: Map<string, string>): string {
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
    return `${imports.use(param.encoding)}(${value})`;
  }
  return value;
}

/** Whether values of the type are (lists of) text, which must not hold NUL characters. */
function textual(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return named.name === 'String' || named.name === 'ID';
}
