// Field-level authorization at request time. The compiler recorded, per operation, where the
// guarded fields are and what each requires (`CompiledOperation.auth`); here the caller's scopes
// are checked against each distinct requirement once, and a response is cut accordingly: a refused
// field is null with an UNAUTHENTICATED or FORBIDDEN error carrying its path (list indices
// included), and a refused non-null field nulls its parent as the GraphQL specification's
// non-null rules ask. The statement stays the same whatever the caller may see.
import type { GraphQLResponseError } from '../../types.js';
import { refusalOf, type Requirement } from './scopes.js';

/** A field on the way to a guarded field, or a guarded field itself (root fields are all listed). */
export interface AuthField {
  /** The response key (alias or name). */
  readonly key: string;
  /** Index in OperationAuth.requirements, when the field itself is guarded. */
  readonly requirement?: number;
  readonly nonNull: boolean;
  /** Set when the field is a list (of objects, when `fields` is set). */
  readonly list?: { readonly nonNullItems: boolean };
  /** Fields below with requirements. */
  readonly fields?: readonly AuthField[];
}

export interface OperationAuth {
  /** The distinct requirements of the operation's fields. */
  readonly requirements: readonly Requirement[];
  /** The root fields, each with the guarded fields below it. */
  readonly fields: readonly AuthField[];
}

export type Refusal = 'UNAUTHENTICATED' | 'FORBIDDEN';

/** A caller as authorization sees it. */
export interface Grants {
  readonly authenticated: boolean;
  readonly scopes: ReadonlySet<string>;
}

/** The verdict for one operation: which requirements fail, and whether anything is left to run. */
export interface Verdict {
  /** Per requirement: null (allowed) or why not. */
  readonly refusals: readonly (Refusal | null)[];
  /** Every requirement holds: the response goes out as PostgreSQL built it. */
  readonly allowed: boolean;
  /** Every root field is refused: no SQL runs. */
  readonly nothingToRun: boolean;
}

export function judge(auth: OperationAuth, grants: Grants): Verdict {
  const refusals = auth.requirements.map((r) => refusalOf(r, grants.authenticated, grants.scopes));
  const allowed = refusals.every((r) => r === null);
  const nothingToRun = !allowed && auth.fields.every((f) => f.requirement !== undefined && refusals[f.requirement] !== null);
  return { refusals, allowed, nothingToRun };
}

const MESSAGES: Readonly<Record<Refusal, string>> = {
  UNAUTHENTICATED: 'Authentication is required to read this field',
  FORBIDDEN: "The caller's scopes do not allow reading this field",
};

function errorAt(code: Refusal, path: readonly (string | number)[]): GraphQLResponseError {
  return { message: MESSAGES[code], path, extensions: { code } };
}

/** The root keys refused by the verdict (for mutations, whose root fields are separate steps). */
export function refusedRootKeys(auth: OperationAuth, verdict: Verdict): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  for (const field of auth.fields) {
    const refusal = field.requirement !== undefined ? verdict.refusals[field.requirement] : null;
    if (refusal) out.set(field.key, refusal);
  }
  return out;
}

/**
 * Cuts `data` (mutated in place) per the verdict; returns the new `data` (null when a refused
 * non-null root field nulls it) and the errors, one per refused field, in response order.
 */
export function applyVerdict(
  auth: OperationAuth,
  verdict: Verdict,
  data: Record<string, unknown> | null,
): { data: Record<string, unknown> | null; errors: GraphQLResponseError[] } {
  const errors: GraphQLResponseError[] = [];
  if (data === null) return { data, errors };
  const nullsData = visitObject(data, auth.fields, [], verdict.refusals, errors);
  return { data: nullsData ? null : data, errors };
}

/** The data of an operation none of whose root fields may run: each null, or all of data null. */
export function refusedData(auth: OperationAuth, verdict: Verdict): { data: Record<string, unknown> | null; errors: GraphQLResponseError[] } {
  const data: Record<string, unknown> = {};
  for (const field of auth.fields) data[field.key] = {};
  return applyVerdict(auth, verdict, data);
}

/** Visits every listed field of `object`; true when one of them nulls the object itself. */
function visitObject(
  object: Record<string, unknown>,
  fields: readonly AuthField[],
  path: readonly (string | number)[],
  refusals: readonly (Refusal | null)[],
  errors: GraphQLResponseError[],
): boolean {
  let nulled = false;
  for (const field of fields) {
    if (visitField(object, field, path, refusals, errors)) nulled = true;
  }
  return nulled;
}

/** True when the field's value became null and the field is non-null (its parent must be null). */
function visitField(
  object: Record<string, unknown>,
  field: AuthField,
  parentPath: readonly (string | number)[],
  refusals: readonly (Refusal | null)[],
  errors: GraphQLResponseError[],
): boolean {
  // A field left out by @include/@skip is not in the response.
  if (!Object.prototype.hasOwnProperty.call(object, field.key)) return false;
  const path = [...parentPath, field.key];
  const refusal = field.requirement !== undefined ? refusals[field.requirement] : null;
  if (refusal) {
    errors.push(errorAt(refusal, path));
    object[field.key] = null;
    return field.nonNull;
  }
  const value = object[field.key];
  if (value === null || value === undefined || field.fields === undefined) return false;
  if (field.list !== undefined && Array.isArray(value)) {
    let nullList = false;
    value.forEach((item: unknown, index) => {
      if (item === null || typeof item !== 'object') return;
      if (visitObject(item as Record<string, unknown>, field.fields!, [...path, index], refusals, errors)) {
        if (field.list!.nonNullItems) nullList = true;
        else value[index] = null;
      }
    });
    if (!nullList) return false;
  } else if (!visitObject(value as Record<string, unknown>, field.fields, path, refusals, errors)) {
    return false;
  }
  object[field.key] = null;
  return field.nonNull;
}
