// Field-level authorization at request time. The compiler recorded, per operation, where the
// guarded fields are and what each requires (`CompiledOperation.auth`); here the caller's scopes
// are checked against each distinct requirement once, and a response is cut accordingly: a refused
// field is null with an UNAUTHENTICATED or FORBIDDEN error carrying its path (list indices
// included), and a refused non-null field nulls its parent as the GraphQL specification's
// non-null rules ask. The statement stays the same whatever the caller may see.
import type { ContextSettings } from '../../context.js';
import type { AuthField, GraphQLResponseError, OperationAuth } from '../../types.js';
import { refusalOf } from './scopes.js';

export type Refusal = 'UNAUTHENTICATED' | 'FORBIDDEN';

/**
 * The setting the SQL of a guarded field reads (compiler/sql/emitSql.ts `guarded`): bit i set when
 * the caller meets requirement i. Transaction-local like the request context; unset reads 0.
 */
export const GRANTS_SETTING = 'fraise.grants';
/** Requirements past this many are cut in the runtime only (the grants are a bigint in SQL). */
export const MAX_GRANT_BITS = 52;

/** The request's settings plus its grants (unchanged when the operation has no guarded field). */
export function withGrants(settings: ContextSettings | null, verdict: Verdict | null): ContextSettings | null {
  if (verdict === null) return settings;
  let mask = 0;
  verdict.refusals.forEach((refusal, bit) => {
    if (refusal === null && bit < MAX_GRANT_BITS) mask += 2 ** bit;
  });
  return { names: [...(settings?.names ?? []), GRANTS_SETTING], values: [...(settings?.values ?? []), String(mask)] };
}

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
 * non-null root field nulls it) and the errors. As graphql-js does, a refusal below a non-null
 * field travels up to the nearest nullable field and is reported there once: when several reach
 * the same nullable field, the first (in response order) is the one reported.
 */
export function applyVerdict(
  auth: OperationAuth,
  verdict: Verdict,
  data: Record<string, unknown> | null,
): { data: Record<string, unknown> | null; errors: GraphQLResponseError[] } {
  const errors: GraphQLResponseError[] = [];
  if (data === null) return { data, errors };
  const escaped = visitObject(data, auth.fields, [], verdict.refusals, errors);
  if (escaped === null) return { data, errors };
  errors.push(escaped);
  return { data: null, errors };
}

/**
 * A whole response (as the runtime wrote it) cut per the verdict. Errors the response already had
 * (e.g. nulls in non-null positions, runtime/nonNull.ts) stay, unless they lie under a refused
 * field: a field that is refused is never resolved, so nothing below it can fail. `errors` is null
 * when the response has no data to cut (a request or database error): it goes out as it is.
 */
export function cutResponse(
  text: string,
  auth: OperationAuth,
  verdict: Verdict,
): { text: string; errors: GraphQLResponseError[] | null } {
  const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: GraphQLResponseError[] };
  if (body.data === undefined || body.data === null) return { text, errors: null };
  const applied = applyVerdict(auth, verdict, body.data);
  const refused = applied.errors.map((e) => e.path ?? []);
  const under = (path: readonly (string | number)[] | undefined): boolean =>
    path !== undefined && refused.some((p) => p.length <= path.length && p.every((part, i) => part === path[i]));
  const errors = [...applied.errors, ...(body.errors ?? []).filter((e) => !under(e.path))];
  return { text: JSON.stringify(errors.length > 0 ? { data: applied.data, errors } : { data: applied.data }), errors };
}

/** The data of an operation none of whose root fields may run: each null, or all of data null. */
export function refusedData(auth: OperationAuth, verdict: Verdict): { data: Record<string, unknown> | null; errors: GraphQLResponseError[] } {
  const data: Record<string, unknown> = {};
  for (const field of auth.fields) data[field.key] = {};
  return applyVerdict(auth, verdict, data);
}

/** Visits every listed field of `object`; returns the error that nulls the object itself, if any. */
function visitObject(
  object: Record<string, unknown>,
  fields: readonly AuthField[],
  path: readonly (string | number)[],
  refusals: readonly (Refusal | null)[],
  errors: GraphQLResponseError[],
): GraphQLResponseError | null {
  let escaped: GraphQLResponseError | null = null;
  for (const field of fields) {
    const error = visitField(object, field, path, refusals, errors);
    escaped ??= error;
  }
  return escaped;
}

/**
 * Visits one field: refused, it becomes null with an error. Returns the error when the field's
 * value became null though the field is non-null (the parent must then be null); a nullable field
 * that became null records the error itself.
 */
function visitField(
  object: Record<string, unknown>,
  field: AuthField,
  parentPath: readonly (string | number)[],
  refusals: readonly (Refusal | null)[],
  errors: GraphQLResponseError[],
): GraphQLResponseError | null {
  // A field left out by @include/@skip is not in the response.
  if (!Object.prototype.hasOwnProperty.call(object, field.key)) return null;
  const path = [...parentPath, field.key];
  const refusal = field.requirement !== undefined ? refusals[field.requirement] : null;
  let error: GraphQLResponseError | null = null;
  if (refusal) {
    error = errorAt(refusal, path);
  } else {
    const value = object[field.key];
    if (value === null || value === undefined || field.fields === undefined) return null;
    if (field.list !== undefined && Array.isArray(value)) {
      value.forEach((item: unknown, index) => {
        if (item === null || typeof item !== 'object') return;
        const itemError = visitObject(item as Record<string, unknown>, field.fields!, [...path, index], refusals, errors);
        if (itemError === null) return;
        if (field.list!.nonNullItems) error ??= itemError;
        else {
          value[index] = null;
          errors.push(itemError);
        }
      });
    } else {
      error = visitObject(value as Record<string, unknown>, field.fields, path, refusals, errors);
    }
    if (error === null) return null;
  }
  object[field.key] = null;
  if (field.nonNull) return error;
  errors.push(error);
  return null;
}
