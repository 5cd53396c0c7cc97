// The ways of answering a scenario's request that the benchmark compares. Each `run` answers one
// request completely and throws if the answer is an error.
import type pg from 'pg';
import type { AnyCompiledOperation, Runtime } from '@fraise/runtime';
import type { GraphqlJsRunner } from './graphqlJs.js';
import type { Scenario, Variables } from './scenarios.js';
import { discardingSink, writeWhole } from './sinks.js';

export interface Contender {
  readonly name: string;
  readonly run: (variables: Variables) => Promise<void>;
}

export const FLOOR = 'floor SQL';
export const GRAPHQL_JS = 'graphql-js';

/** The floor statement's text: one row, one column, the whole response. */
export async function floorText(pool: pg.Pool, scenario: Scenario, variables: Variables): Promise<string> {
  const { name, text, values } = scenario.floor;
  const result = await pool.query<[string]>({ name, text, values: values(variables), rowMode: 'array' });
  const body = result.rows[0]?.[0];
  if (typeof body !== 'string') throw new Error(`${scenario.name}: the floor statement returned no text`);
  return body;
}

export function contendersFor(
  scenario: Scenario,
  op: AnyCompiledOperation,
  runtime: Runtime,
  pool: pg.Pool,
  graphqlJs: GraphqlJsRunner,
): Contender[] {
  return [
    {
      name: 'fraise execute',
      run: async (variables) => {
        const result = await runtime.execute(op, variables);
        if (result.errors) throw new Error(`fraise execute: ${JSON.stringify(result.errors)}`);
      },
    },
    { name: 'fraise stream', run: (variables) => runtime.stream(op, variables, discardingSink()) },
    { name: FLOOR, run: async (variables) => writeWhole(discardingSink(), await floorText(pool, scenario, variables)) },
    {
      name: GRAPHQL_JS,
      run: async (variables) => {
        const result = await graphqlJs({ ...variables });
        if (result.errors) throw new Error(`graphql-js: ${result.errors.map((e) => e.message).join('; ')}`);
      },
    },
  ];
}
