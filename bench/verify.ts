// Before measuring: every contender must produce the same `data` as Fraise's execute.
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { AnyCompiledOperation, Runtime } from '@fraise/runtime';
import { floorText } from './contenders.js';
import type { GraphqlJsRunner } from './graphqlJs.js';
import type { Scenario } from './scenarios.js';

/** Plain JSON values (graphql-js builds null-prototype objects, which strict equality tells apart). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

function firstDifference(a: unknown, b: unknown, path = 'data'): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${key}`);
  }
  return `${path}: differs`;
}

async function streamed(runtime: Runtime, op: AnyCompiledOperation, variables: Record<string, unknown>): Promise<unknown> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  await runtime.stream(op, variables, sink);
  return (JSON.parse(text) as { data?: unknown }).data;
}

export async function verifyScenario(
  scenario: Scenario,
  op: AnyCompiledOperation,
  runtime: Runtime,
  pool: pg.Pool,
  graphqlJs: GraphqlJsRunner,
): Promise<void> {
  const all = scenario.variables;
  const samples = [...new Set([all[0], all[Math.floor(all.length / 2)], all[all.length - 1]])];
  for (const variables of samples) {
    if (variables === undefined) continue;
    const where = `${scenario.name} (${op.name} ${JSON.stringify(variables)})`;
    const reference = await runtime.execute(op, variables);
    if (reference.errors) throw new Error(`${where}: Fraise returned errors ${JSON.stringify(reference.errors)}`);
    const expected = plain(reference.data);
    const problem = scenario.expect(expected);
    if (problem) throw new Error(`${where}: ${problem}`);
    const gql = await graphqlJs({ ...variables });
    if (gql.errors) throw new Error(`${where}: graphql-js returned errors: ${gql.errors.map((e) => e.message).join('; ')}`);
    const others: [string, unknown][] = [
      ['fraise stream', await streamed(runtime, op, { ...variables })],
      ['floor SQL', (JSON.parse(await floorText(pool, scenario, variables)) as { data?: unknown }).data],
      ['graphql-js', plain(gql.data)],
    ];
    for (const [name, data] of others) {
      if (!isDeepStrictEqual(data, expected)) {
        throw new Error(`${where}: ${name} differs from Fraise's execute at ${firstDifference(data, expected)}`);
      }
    }
  }
}
