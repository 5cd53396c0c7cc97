// The documents graphql-http's server audits send, as hand-written persisted operations: the audits
// check the HTTP layer, and a persisted-only server runs only documents in its list, so these are
// put in the list. Documents the audits send to provoke parse or validation failures stay out:
// the server answers them PERSISTED_QUERY_NOT_IN_LIST (400, or 200 in application/json).
import type { CompiledOperation, CompiledStatement, GraphQLResponseError } from '../../runtime/index.js';
import { sha256 } from './support.js';

type Vars = Readonly<Record<string, unknown>> | null | undefined;

function operation(
  name: string,
  body: string,
  row: string,
  variables: Readonly<Record<string, 'String!' | 'ID!'>> = {},
): CompiledOperation {
  const statement: CompiledStatement = { name: `fraise_audit_${sha256(body).slice(0, 16)}`, text: `SELECT $1::text` };
  return {
    kind: 'query',
    name,
    id: sha256(body),
    body,
    shape: { kind: 'data' },
    statements: [statement],
    prepare: (given: Vars) => {
      const errors: GraphQLResponseError[] = [];
      for (const [variable, type] of Object.entries(variables)) {
        const value = given?.[variable];
        if (typeof value !== 'string') {
          errors.push({
            message: value === undefined || value === null
              ? `Variable "$${variable}" of non-null type "${type}" must not be null.`
              : `Variable "$${variable}" got invalid value ${JSON.stringify(value)}; expected type "${type}".`,
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
      }
      return errors.length > 0 ? { ok: false, errors } : { ok: true, statement, values: [row] };
    },
  };
}

export const auditOperations: readonly CompiledOperation[] = [
  operation('Typename', '{ __typename }', '{"__typename":"Query"}'),
  operation('Query', 'query Query { __typename }', '{"__typename":"Query"}'),
  operation('Type', 'query Type($name: String!) { __type(name: $name) { name } }', '{"__type":null}', { name: 'String!' }),
  operation('CoerceFailure', 'query CoerceFailure($id: ID!){ __typename }', '{"__typename":"Query"}', { id: 'ID!' }),
  operation('Unicode', '{ __type(name: "Run🏃Swim🏊") { name } }', '{"__type":{"name":"Run🏃Swim🏊"}}'),
];
