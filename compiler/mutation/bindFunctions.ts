// Checks every Mutation field's @function against the database: the function exists once, returns
// one jsonb (or json) value or a mutation_response-like composite, and its parameters match the
// field's arguments in number, names and types. Mismatches are compile errors at the SDL.
import {
  getDirectiveValues,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type ASTNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { type Diagnostic, diagnostic } from '../diagnostics.js';
import { checkFieldColumns, type BoundView } from '../metadata/checkSchema.js';
import { indexMetadata } from '../metadata/resolve.js';
import type { DatabaseMetadata, FunctionArgument, FunctionInfo } from '../metadata/types.js';
import { jsonKeyOf, snakeCase } from '../schema/model.js';
import { quoteIdent } from '../sql/quote.js';

export interface BoundArgument {
  readonly graphqlName: string;
  /** The parameter has a DEFAULT: when the argument is omitted it is left out of the call. */
  readonly hasDefault: boolean;
  /** Parameter name for named notation; null to pass it by position. */
  readonly parameter: string | null;
  readonly sqlType: string;
  /** `json`: the value is sent as JSON text (input objects, lists into jsonb). */
  readonly encoding: 'plain' | 'json';
}

export type ResultStyle =
  | { readonly kind: 'jsonb' }
  /**
   * Rows (`SETOF v_organization`, a table row, a composite): each row is read like a row of a view
   * with these columns, by the selection of the field's object type (columns, or data keys when
   * the row has `data jsonb`); a single-object field takes the first row, or null when none.
   */
  | { readonly kind: 'row'; readonly row: BoundView }
  | {
      readonly kind: 'mutation_response';
      /** Attributes of the composite (status, message, entity, ...). */
      readonly columns: ReadonlySet<string>;
      /** The members chosen on success and on error (the same one for an object result type). */
      readonly success: GraphQLObjectType;
      readonly error: GraphQLObjectType;
    };

export interface BoundFunction {
  /** Quoted and schema-qualified. */
  readonly sqlName: string;
  readonly args: readonly BoundArgument[];
  readonly result: ResultStyle;
}

/** Mutation field name -> its bound function. */
export type FunctionCatalog = ReadonlyMap<string, BoundFunction>;

/** Keys a mutation_response member's fields may read (besides object fields, which read `entity`). */
export const RESPONSE_KEYS = new Set([
  'status', 'message', 'entity_id', 'entity_type', 'entity', 'updated_fields', 'cascade', 'metadata',
  'code', 'identifier', 'details', 'errors',
]);

export function functionNameOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string | undefined {
  const def = schema.getDirective('function');
  if (!def || !field.astNode) return undefined;
  const args = getDirectiveValues(def, field.astNode);
  return typeof args?.['name'] === 'string' ? args['name'] : undefined;
}

export function bindFunctions(schema: GraphQLSchema, metadata: DatabaseMetadata): { functions: FunctionCatalog; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const functions = new Map<string, BoundFunction>();
  const resolved = indexMetadata(metadata);
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const name = functionNameOf(schema, field);
    if (name === undefined) {
      diagnostics.push(diagnostic('FRAISE_NO_FUNCTION', `Mutation field "${field.name}" has no @function(name:).`, field.astNode,
        'Name the PostgreSQL function that serves it: @function(name: "fn_...").'));
      continue;
    }
    const bound = bindOne(schema, field, name, resolved.functions(name), diagnostics);
    if (bound) functions.set(field.name, bound);
  }
  return { functions, diagnostics };
}

function bindOne(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  name: string,
  candidates: readonly FunctionInfo[],
  diagnostics: Diagnostic[],
): BoundFunction | undefined {
  const where = field.astNode?.directives?.find((d) => d.name.value === 'function') ?? field.astNode;
  const fail = (code: string, message: string, hint?: string, node: ASTNode | null | undefined = where): undefined => {
    diagnostics.push(diagnostic(code, message, node, hint));
    return undefined;
  };
  if (candidates.length === 0) {
    return fail('FRAISE_UNKNOWN_FUNCTION', `Mutation field "${field.name}" calls function "${name}", which does not exist in the database.`,
      'Create the function, or fix the name in @function(name:).');
  }
  if (candidates.length > 1) {
    return fail('FRAISE_AMBIGUOUS_FUNCTION', `Function "${name}" of mutation field "${field.name}" is overloaded (${candidates.length} signatures).`,
      'Give the function a unique name.');
  }
  const fn = candidates[0]!;
  const label = `function "${name}" of mutation field "${field.name}"`;
  if (fn.kind !== 'function') return fail('FRAISE_FUNCTION_MISMATCH', `"${name}" is not a plain function (it is a ${fn.kind}).`);
  const result = resultStyle(schema, field, fn, label, fail, diagnostics);
  if (!result) return undefined;

  const inputs = fn.arguments.filter((a) => a.mode === 'in' || a.mode === 'inout' || a.mode === 'variadic');
  if (inputs.some((a) => a.mode === 'variadic')) return fail('FRAISE_FUNCTION_MISMATCH', `The ${label} is variadic, which mutations do not call.`);
  const args: BoundArgument[] = [];
  const used = new Set<FunctionArgument>();
  const positional = field.args.length === 1 && inputs.length === 1;
  for (const arg of field.args) {
    const param = positional ? inputs[0]! : inputs.find((p) => p.name === snakeCase(arg.name) || p.name === `p_${snakeCase(arg.name)}`);
    if (!param) {
      fail('FRAISE_FUNCTION_MISMATCH', `Argument "${arg.name}" of mutation field "${field.name}" has no parameter in ${label}.`,
        `Parameters: ${inputs.map((p) => `${p.name || '(unnamed)'} ${p.type}`).join(', ') || 'none'}; name one "${snakeCase(arg.name)}" or "p_${snakeCase(arg.name)}".`,
        arg.astNode ?? where);
      continue;
    }
    used.add(param);
    const encoding = compatible(arg.type, param);
    if (!encoding) {
      fail('FRAISE_FUNCTION_MISMATCH',
        `Argument "${arg.name}: ${String(arg.type)}" of mutation field "${field.name}" does not fit parameter "${param.name || '$1'}" (${param.type}) of ${label.replace(/ of mutation field.*/, '')}.`,
        'Input objects and JSON go to jsonb or json parameters; scalars to parameters of their type.', arg.astNode ?? where);
      continue;
    }
    args.push({ graphqlName: arg.name, hasDefault: param.hasDefault, parameter: positional || param.name === '' ? null : param.name, sqlType: param.type, encoding });
  }
  for (const param of inputs) {
    if (!used.has(param) && !param.hasDefault) {
      fail('FRAISE_FUNCTION_MISMATCH', `Parameter "${param.name || '(unnamed)'}" (${param.type}) of ${label} has no argument and no default.`,
        `Add an argument "${param.name.replace(/^p_/, '')}" to the field, or a DEFAULT to the parameter.`);
    }
  }
  if (args.some((a) => a.parameter === null) && args.length > 1) {
    return fail('FRAISE_FUNCTION_MISMATCH', `The ${label} has unnamed parameters; name them to map several arguments.`);
  }
  if (args.length !== field.args.length) return undefined;
  return { sqlName: `${quoteIdent(fn.schema)}.${quoteIdent(fn.name)}`, args, result };
}

function resultStyle(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  fn: FunctionInfo,
  label: string,
  fail: (code: string, message: string, hint?: string) => undefined,
  diagnostics: Diagnostic[],
): ResultStyle | undefined {
  const type = getNamedType(field.type);
  const listResult = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  const rowResult = fn.returnFields.length > 0 && !fn.returnFields.some((f) => f.name === 'status');
  if (fn.returnsSet && !rowResult) {
    return fail('FRAISE_FUNCTION_MISMATCH', `The ${label} returns a set of ${fn.returnType}; a set must be of rows (SETOF a view, a table or a composite type).`);
  }
  if (rowResult) {
    if (!isObjectType(type)) {
      return fail('FRAISE_BAD_MUTATION_RESULT', `Mutation field "${field.name}" returns ${type.name}; the rows of ${fn.returnType} map to an object type.`,
        'Return an object type whose fields are the columns (or a list of it for a set).');
    }
    if (listResult && !fn.returnsSet) return fail('FRAISE_FUNCTION_MISMATCH', `Mutation field "${field.name}" returns a list; the ${label} returns one row.`);
    const columns = new Map(fn.returnFields.map((f) => [f.name, f.type]));
    // A function's result rows: nothing is known of their nulls or uniqueness.
    const row: BoundView = { typeName: type.name, sqlName: '', isView: false, hasData: columns.get('data') === 'jsonb', columns, dataColumns: new Map(), derivedKeys: new Map(),
      nonNullColumns: new Set(), nonNullKeys: new Set(), keyColumns: new Set(), plainColumns: new Set() };
    checkFieldColumns(schema, type, row, fn.returnType, diagnostics);
    return { kind: 'row', row };
  }
  if (listResult) {
    return fail('FRAISE_FUNCTION_MISMATCH', `Mutation field "${field.name}" returns a list; a function returns one value.`);
  }
  if (fn.returnType === 'jsonb' || fn.returnType === 'json') return { kind: 'jsonb' };
  const columns = new Set(fn.returnFields.map((f) => f.name));
  if (!columns.has('status')) {
    return fail('FRAISE_FUNCTION_MISMATCH', `The ${label} returns ${fn.returnType}; it must return jsonb or a mutation_response composite (with a status).`);
  }
  let success: GraphQLObjectType | undefined;
  let error: GraphQLObjectType | undefined;
  if (isObjectType(type)) success = error = type;
  else if (isUnionType(type)) {
    const members = type.getTypes();
    success = members.find((m) => m.name.endsWith('Success'));
    error = members.find((m) => m.name.endsWith('Error'));
    if (!success || !error || members.length !== 2) {
      return fail('FRAISE_BAD_MUTATION_RESULT', `Union "${type.name}" of mutation field "${field.name}" must have two members, one named *Success and one *Error.`,
        'The status of the mutation_response picks the member.');
    }
  } else {
    return fail('FRAISE_BAD_MUTATION_RESULT', `Mutation field "${field.name}" returns ${type.name}; a mutation_response maps to an object type or a *Success | *Error union.`);
  }
  for (const member of new Set([success, error])) {
    const objects = Object.values(member.getFields()).filter((f) => !isLeafType(getNamedType(f.type)) && !RESPONSE_KEYS.has(jsonKeyOf(schema, f)));
    for (const f of Object.values(member.getFields())) {
      const key = jsonKeyOf(schema, f);
      if (RESPONSE_KEYS.has(key) || objects.includes(f)) continue;
      fail('FRAISE_BAD_MUTATION_RESULT', `Field "${member.name}.${f.name}" reads "${key}", which a mutation_response does not have.`,
        `Available: ${[...RESPONSE_KEYS].join(', ')}; an object field reads the entity.`);
      return undefined;
    }
  }
  return { kind: 'mutation_response', columns, success, error };
}

/** Null when the GraphQL input type cannot be passed to the parameter; else how to encode it. */
function compatible(type: GraphQLInputType, param: FunctionArgument): 'plain' | 'json' | null {
  const json = param.type === 'jsonb' || param.type === 'json';
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (json) return 'json';
    if (!param.type.endsWith('[]')) return null;
    return compatible(inner.ofType, { ...param, type: param.type.slice(0, -2), category: '' }) === 'plain' ? 'plain' : null;
  }
  if (isInputObjectType(inner)) return json ? 'json' : null;
  if (isEnumType(inner)) return ['text', 'character varying'].includes(param.type) || param.category === 'E' ? 'plain' : null;
  const allowed = SCALAR_PARAMETERS[inner.name];
  if (inner.name === 'JSON') return json ? 'json' : null;
  return allowed?.includes(param.type) ? 'plain' : null;
}

const SCALAR_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  ID: ['uuid', 'text', 'character varying', 'bigint', 'integer'],
  String: ['text', 'character varying', 'character', 'name', 'citext'],
  Int: ['integer', 'bigint', 'smallint', 'numeric', 'double precision', 'real'],
  Float: ['double precision', 'real', 'numeric'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone'],
  Date: ['date'],
  UUID: ['uuid'],
};
