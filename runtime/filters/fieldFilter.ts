// A whole-variable filter on one field (`title: $filter`, or a field inside `where: $where`): its
// `<T>Filter` value checked operator by operator against the operator table and turned into SQL in
// which every value is a bind parameter. The same table gives literal filters their SQL at build
// time, so both paths agree by construction.
import { INVALID, coerceBoolean, coerceInt, coerceString, listOf, type Coercer } from '../coerce.js';
import { LIKE_PATTERNS } from './likePattern.js';
import {
  MAX_REGEX_LENGTH,
  filterOperators,
  operandEncoding,
  operandTypeName,
  operatorText,
  type FilterFieldType,
  type FilterOperator,
  type FilterTarget,
  type OperandEncoding,
} from './operators.js';
import { MAX_FILTER_NODES, bad, bind, conjunction, freshAlias, isObject, type FilterBuilder } from './builder.js';

/** A filter input type (`UUIDFilter`, `StatusFilter`, `StringListFilter`) and how its values are checked. */
export interface FilterInput {
  /** The input type's name, for errors. */
  readonly name: string;
  /** The GraphQL type of the field (of its elements, for a list filter). */
  readonly typeName: string;
  readonly operators: ReadonlyMap<string, FilterOperator>;
  /** The value checks, per operator. */
  readonly coercers: ReadonlyMap<string, Coercer>;
}

/**
 * The filter input of fields of GraphQL type `typeName` (`type`: its class in the operator table;
 * `list`: an array of them inside data), whose values `coerce` checks.
 */
export function filterInput(typeName: string, type: FilterFieldType, coerce: Coercer, list = false): FilterInput {
  const operators = filterOperators(type, list);
  const coercers = new Map<string, Coercer>();
  for (const op of operators) {
    const coerceOperand: Record<FilterOperator['operand'], Coercer> = {
      T: coerce,
      '[T!]': listOf(coerce, false),
      String: coerceString,
      '[String!]': listOf(coerceString, false),
      Boolean: coerceBoolean,
      Int: coerceInt,
    };
    coercers.set(op.name, coerceOperand[op.operand]);
  }
  return {
    name: `${typeName}${list ? 'List' : ''}Filter`,
    typeName,
    operators: new Map(operators.map((o) => [o.name, o])),
    coercers,
  };
}

/** A value shaped for binding as `bindType` (see OperandEncoding): a jsonb[] binds each element's JSON text. */
export function encodeOperand(encoding: OperandEncoding, value: unknown, bindType: string): unknown {
  switch (encoding) {
    case 'plain':
      return value;
    case 'json':
      return bindType.endsWith('[]') ? (value as unknown[]).map((x) => JSON.stringify(x)) : JSON.stringify(value);
    default:
      return LIKE_PATTERNS[encoding](value);
  }
}

/**
 * The SQL of one `<T>Filter` value on `target` (its operators ANDed), or TRUE after recording
 * what is wrong with it in `b`. `path` locates the value for errors (`where.title`).
 */
export function filterField(value: unknown, path: string, target: FilterTarget, input: FilterInput, b: FilterBuilder): string {
  if (!isObject(value)) return bad(b, path, value, `expected type "${input.name}"`);
  const parts: string[] = [];
  for (const name of Object.keys(value)) {
    const operand = value[name];
    if (operand === undefined) continue;
    const at = `${path}.${name}`;
    if (--b.budget < 0) return bad(b, at, operand, `the filter has more than ${MAX_FILTER_NODES} fields and operators`);
    const operator = input.operators.get(name);
    if (operand === null) {
      if (operator?.nullValue !== 'omitted') bad(b, at, operand, `operator "${name}" cannot be null; omit it to leave it out, or use isnull`);
      continue;
    }
    if (!operator) {
      bad(b, at, operand, `"${name}" is not an operator of ${input.name}`);
      continue;
    }
    const coerced = input.coercers.get(name)!(operand);
    if (coerced === INVALID) {
      bad(b, at, operand, `expected type "${operandTypeName(operator, input.typeName)}"`);
      continue;
    }
    if (operator.regex && (coerced as string).length > MAX_REGEX_LENGTH) {
      bad(b, at, '...', `a regular expression may have at most ${MAX_REGEX_LENGTH} characters`);
      continue;
    }
    const bindType = operator.bindAs(target.sqlType);
    const encoded = encodeOperand(operandEncoding(operator, bindType), coerced, bindType);
    parts.push(
      operatorText(operator.sql(target, { known: true, value: coerced, param: () => bind(b, at, encoded, bindType), alias: () => freshAlias(b, 'e') })),
    );
  }
  return conjunction(parts);
}
