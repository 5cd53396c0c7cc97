// Generates `prepare(variables)` of a mutation: each variable coerced by code specialised to its
// type (input objects checked field by field and rewritten with snake_case keys, as the functions
// read them), then one step per mutation field: its statement and bind values, in order.
import {
  Kind,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
  valueFromAST,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { varLocal } from '../emit/names.js';
import type { RuntimeHelper, RuntimeImports } from '../emit/runtimeImports.js';
import { SCALAR_COERCERS } from '@fraise/runtime';
import { snakeCase } from '../schema/model.js';

export interface StepArgument {
  readonly node: ValueNode;
  readonly type: GraphQLInputType;
  readonly encoding: 'plain' | 'json';
  /** Its variable may be omitted, which leaves the argument out of the call: its bit in `optional`. */
  readonly bit?: number;
  /** The SDL default the argument takes when its variable is omitted. */
  readonly fallback?: ValueNode;
}

export type StepOut =
  /** `statements[bits]`: the statement for the optional variables given (bit i: `optional[i]` given). */
  | { readonly key: string; readonly statements: readonly number[]; readonly optional: readonly string[]; readonly args: readonly StepArgument[] }
  | { readonly key: string; readonly typename: string };

class Generator {
  readonly helpers = new Map<string, string>();

  constructor(readonly schema: GraphQLSchema, readonly imports: RuntimeImports) {}

  coercer(type: GraphQLInputType): string {
    if (isNonNullType(type)) return this.coercer(type.ofType);
    if (isListType(type)) return `${this.imports.use('listOf')}(${this.coercer(type.ofType)})`;
    const named = type as GraphQLNamedType;
    if (isEnumType(named)) {
      const values = named.getValues().map((v) => v.name);
      this.helpers.set(`coerce${named.name}`, `const coerce${named.name} = ${this.imports.use('enumCoercer')}(${JSON.stringify(values)});`);
      return `coerce${named.name}`;
    }
    if (isInputObjectType(named)) return this.inputObject(named);
    if (SCALAR_COERCERS[named.name]) return this.imports.use(`coerce${named.name}` as RuntimeHelper);
    return this.imports.use('coerceNothing');
  }

  /** A function declaration (hoisted, so input types may refer to each other). */
  inputObject(type: GraphQLInputObjectType): string {
    const name = `coerceInput${type.name}`;
    if (this.helpers.has(name)) return name;
    this.helpers.set(name, ''); // placeholder: recursion ends here
    const fields = Object.values(type.getFields());
    const lines = [
      `function ${name}(v: unknown): unknown {`,
      `  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('${type.name} must be an object');`,
      `  const o = v as Record<string, unknown>;`,
      `  for (const k of Object.keys(o)) if (!${JSON.stringify(fields.map((f) => f.name))}.includes(k)) return fail(\`unknown field "\${k}" in ${type.name}\`);`,
      `  const out: Record<string, unknown> = {};`,
    ];
    for (const field of fields) {
      const key = JSON.stringify(snakeCase(field.name));
      const def = field.defaultValue !== undefined ? JSON.stringify(snakeValue(field.defaultValue, field.type)) : undefined;
      lines.push(`  {`, `    const x = o[${JSON.stringify(field.name)}];`);
      if (isNonNullType(field.type) && def === undefined) {
        lines.push(`    if (x === undefined || x === null) return fail('field "${field.name}" of ${type.name} is required');`);
      } else {
        lines.push(`    if (x === undefined) { ${def !== undefined ? `out[${key}] = ${def};` : ''} }`);
        lines.push(isNonNullType(field.type)
          ? `    else if (x === null) return fail('field "${field.name}" of ${type.name} must not be null');`
          : `    else if (x === null) out[${key}] = null;`);
      }
      lines.push(
        `    ${isNonNullType(field.type) && def === undefined ? '' : 'else '}{ const c = ${this.coercer(field.type)}(x); if (c === INVALID) return fail(problem || 'field "${field.name}" of ${type.name} is not a valid ${String(field.type)}'); out[${key}] = c; }`,
        `  }`,
      );
    }
    lines.push(`  return out;`, `}`);
    this.helpers.set(name, lines.join('\n'));
    return name;
  }
}

/** A default value (GraphQL field names) with snake_case keys, as the function reads it. */
function snakeValue(value: unknown, type: GraphQLInputType): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return value ?? null;
  if (isListType(inner)) return (Array.isArray(value) ? value : [value]).map((v) => snakeValue(v, inner.ofType));
  if (isInputObjectType(inner) && typeof value === 'object') {
    const fields = inner.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [snakeCase(k), fields[k] ? snakeValue(v, fields[k].type) : v]),
    );
  }
  return value;
}

/** The value of an argument as a TypeScript expression over the coerced variables. */
function valueCode(node: ValueNode, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  switch (node.kind) {
    case Kind.VARIABLE:
      return varLocal(node.name.value);
    case Kind.NULL:
      return 'null';
    case Kind.LIST:
      return isListType(inner) ? `[${node.values.map((v) => valueCode(v, inner.ofType)).join(', ')}]` : 'null';
    case Kind.OBJECT: {
      if (!isInputObjectType(inner)) return 'null';
      const fields = inner.getFields();
      const given = new Set(node.fields.map((f) => f.name.value));
      const entries = node.fields.map((f) => `${JSON.stringify(snakeCase(f.name.value))}: ${valueCode(f.value, fields[f.name.value]!.type)}`);
      for (const f of Object.values(fields)) {
        if (!given.has(f.name) && f.defaultValue !== undefined) entries.push(`${JSON.stringify(snakeCase(f.name))}: ${JSON.stringify(snakeValue(f.defaultValue, f.type))}`);
      }
      return `{ ${entries.join(', ')} }`;
    }
    default:
      return JSON.stringify(snakeValue(valueFromAST(node, type), type) ?? null);
  }
}

export function mutationPrepareCode(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  steps: readonly StepOut[],
  imports: RuntimeImports,
): { helpers: string; body: string } {
  const g = new Generator(schema, imports);
  // The code below names these runtime helpers.
  for (const helper of ['INVALID', 'badInput', 'show'] as const) imports.use(helper);
  const lines: string[] = ['const input = variables ?? {};', `const errors: ${imports.type('GraphQLResponseError')}[] = [];`];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType;
    const local = varLocal(name);
    const typeText = print(def.type);
    lines.push('', `// $${name}: ${typeText}${def.defaultValue ? ` = ${print(def.defaultValue)}` : ''}`);
    lines.push(`let ${local}: unknown = input[${JSON.stringify(name)}];`);
    if (def.defaultValue) lines.push(`if (${local} === undefined) ${local} = ${JSON.stringify(valueFromAST(def.defaultValue, type))};`);
    if (isNonNullType(type)) {
      lines.push(
        `if (${local} === undefined) errors.push(badInput(${JSON.stringify(`Variable "$${name}" of required type "${typeText}" was not provided.`)}));`,
        `else if (${local} === null) errors.push(badInput(${JSON.stringify(`Variable "$${name}" of non-null type "${typeText}" must not be null.`)}));`,
      );
    }
    lines.push(
      `if (${local} !== undefined && ${local} !== null) {`,
      `  problem = '';`,
      `  const coerced = ${g.coercer(type)}(${local});`,
      `  if (coerced === INVALID) errors.push(badInput(\`Variable "$${name}" got invalid value \${show(${local})}; expected type "${typeText}"\${problem ? ': ' + problem : ''}.\`));`,
      `  ${local} = coerced;`,
      `}`,
    );
  }
  lines.push('', 'if (errors.length > 0) return { ok: false, errors };', 'return {', '  ok: true,', '  steps: [');
  for (const step of steps) {
    if ('typename' in step) {
      lines.push(`    { key: ${JSON.stringify(step.key)}, json: ${JSON.stringify(JSON.stringify(step.typename))} },`);
      continue;
    }
    const values = step.args.map((a) => {
      let code = valueCode(a.node, a.type);
      if (a.fallback) code = `(${code} === undefined ? ${valueCode(a.fallback, a.type)} : ${code})`;
      const value = a.encoding === 'json' ? `json(${code})` : `${code} ?? null`;
      return a.bit === undefined ? value : `...(${varLocal(step.optional[a.bit]!)} !== undefined ? [${value}] : [])`;
    });
    const bits = step.optional.map((v, i) => `(${varLocal(v)} !== undefined ? ${1 << i} : 0)`).join(' | ') || '0';
    const statement = step.statements.length === 1 ? `statements[${step.statements[0]}]!` : `statements[${JSON.stringify(step.statements)}[${bits}]!]!`;
    lines.push(`    { key: ${JSON.stringify(step.key)}, statement: ${statement}, values: [${values.join(', ')}] },`);
  }
  lines.push('  ],', '};');

  const helpers = [
    `let problem = '';`,
    `const fail = (why: string): typeof INVALID => { problem = why; return INVALID; };`,
    `/** JSON text for a jsonb parameter; an omitted value is SQL NULL. */`,
    `const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));`,
    ...[...g.helpers.values()],
  ];
  return { helpers: helpers.join('\n'), body: lines.join('\n') };
}
