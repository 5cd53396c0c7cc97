// The checks of an operation's variables, driven by the plan its generated module holds (one
// entry per declared variable, in declaration order): defaults, required and null values, the
// type's coercion, and the extra rules the compiler derived from where each variable is used.
import { INVALID, badInput, hasNulText, isUuid, show, type Coercer } from './coerce.js';
import { MAX_REGEX_LENGTH } from './filters/operators.js';
import type { GraphQLResponseError } from './types.js';

export interface VariablePlan {
  readonly name: string;
  /** The type as the operation declares it (`[PostStatus!]`), for errors. */
  readonly type: string;
  readonly coerce: Coercer;
  /** A non-null type: the variable must be given (or have a default) and not be null. */
  readonly required?: boolean;
  /** The declared default, used when the variable is not given. */
  readonly default?: unknown;
  /** The value of a filter operator: null is refused (omitting it leaves the filter out). */
  readonly nullRefused?: boolean;
  /** Compared with a uuid column: every value must be a UUID, or PostgreSQL would fail the cast. */
  readonly uuid?: boolean;
  /** Text (String, ID): it must not hold NUL, which PostgreSQL text cannot hold. */
  readonly text?: boolean;
  /** A regular expression: at most MAX_REGEX_LENGTH characters. */
  readonly regex?: boolean;
  /** A page size under a maximum. */
  readonly max?: number;
  /** A limit or an offset. */
  readonly nonNegative?: boolean;
}

export type CheckedVariables =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: readonly GraphQLResponseError[] };

/** Whether a coerced value (or each item of a list of them) is a UUID or null. */
function allUuids(value: unknown): boolean {
  if (!Array.isArray(value)) return value === null || isUuid(value);
  for (const item of value) if (item !== null && !isUuid(item)) return false;
  return true;
}

/** Checks and coerces the variables of a request; every problem is reported, in declaration order. */
export function checkVariables(variables: Readonly<Record<string, unknown>> | null | undefined, plans: readonly VariablePlan[]): CheckedVariables {
  const input = variables ?? {};
  const errors: GraphQLResponseError[] = [];
  const values: Record<string, unknown> = {};
  for (const plan of plans) {
    const name = plan.name;
    let value = Object.hasOwn(input, name) ? input[name] : undefined;
    if (value === undefined && plan.default !== undefined) value = plan.default;
    if (plan.required) {
      if (value === undefined) errors.push(badInput(`Variable "$${name}" of required type "${plan.type}" was not provided.`));
      else if (value === null) errors.push(badInput(`Variable "$${name}" of non-null type "${plan.type}" must not be null.`));
    } else if (plan.nullRefused && value === null) {
      errors.push(badInput(`Variable "$${name}" is null, but it is the value of a filter operator; omit it to leave the filter out, or use isnull.`));
    }
    if (value !== undefined && value !== null) {
      const coerced = plan.coerce(value);
      if (coerced === INVALID) errors.push(badInput(`Variable "$${name}" got invalid value ${show(value)}; expected type "${plan.type}".`));
      else if (plan.uuid && !allUuids(coerced)) {
        errors.push(badInput(`Variable "$${name}" got invalid value ${show(value)}; it is compared with a uuid column, so it must be a UUID.`));
      }
      value = coerced;
    }
    if (plan.text && hasNulText(value)) {
      errors.push(badInput(`Variable "$${name}" contains the NUL character (U+0000), which PostgreSQL text cannot hold.`));
    }
    if (plan.regex && typeof value === 'string' && value.length > MAX_REGEX_LENGTH) {
      errors.push(badInput(`Variable "$${name}" is a regular expression longer than ${MAX_REGEX_LENGTH} characters.`));
    }
    if (plan.max !== undefined && typeof value === 'number' && value > plan.max) {
      errors.push(badInput(`Variable "$${name}" is larger than the maximum page size, ${plan.max}.`));
    }
    if (plan.nonNegative && typeof value === 'number' && value < 0) errors.push(badInput(`Variable "$${name}" must not be negative.`));
    values[name] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
