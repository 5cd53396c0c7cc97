// npm run bench: Fraise (execute and stream) against one hand-written SQL statement per request
// (the floor) and graphql-js with ordinary batched resolvers, on the blog fixture at bench scale.
// See docs/benchmarks.md for the method and the numbers.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createRuntime } from '@fraise/runtime';
import { compileFixture } from './compileFixture.js';
import { readConfig } from './config.js';
import { contendersFor } from './contenders.js';
import { contextCostTable } from './context.js';
import { dynamicWhereTable } from './dynamicWhere.js';
import { postmasterOf } from './cpu.js';
import { startBenchDatabase } from './database.js';
import { buildBlogSchema, graphqlJsRunner } from './graphqlJs.js';
import { measureInterleaved } from './load.js';
import { elapsedTotal, log } from './log.js';
import { gcAvailable } from './memory.js';
import { loadTable, type ScenarioResult } from './report.js';
import { scenarios } from './scenarios.js';
import { streamMemory } from './streamMemory.js';
import { verifyScenario } from './verify.js';

// dist/bench/run.js -> the repository root
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const config = readConfig();
  const loadBefore = os.loadavg()[0]!;
  if (!gcAvailable) log('note: run node with --expose-gc (npm run bench does) for comparable memory baselines');
  const database = await startBenchDatabase(repoRoot);
  const { url } = database;
  const pool = new pg.Pool({ connectionString: url, max: config.poolSize });
  pool.on('error', (error) => log(`idle client error: ${error.message}`));
  try {
    const { operations, outDir } = await compileFixture(repoRoot, url);
    const runtime = createRuntime({ pool });
    const backend = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmasterPid = postmasterOf(backend.rows[0]!.pid);
    const schema = buildBlogSchema();
    const selected = scenarios.filter((s) => config.only.length === 0 || config.only.some((o) => s.name.includes(o)));

    const results: ScenarioResult[] = [];
    for (const scenario of selected) {
      const op = operations[scenario.operation];
      if (!op) throw new Error(`the fixture has no operation ${scenario.operation}`);
      const graphqlJs = graphqlJsRunner(schema, pool, op.body);
      await verifyScenario(scenario, op, runtime, pool, graphqlJs);
      log(`${scenario.name} (${scenario.operation}): all contenders return the same data; measuring...`);
      const contenders = contendersFor(scenario, op, runtime, pool, graphqlJs);
      const measurements = await measureInterleaved(contenders, scenario.variables, config, postmasterPid);
      results.push({ scenario: scenario.name, operation: scenario.operation, measurements });
    }

    let memory = '';
    if (config.only.length === 0 || config.only.some((o) => 'stream memory'.includes(o))) {
      log('streaming memory: AllPosts (100k rows)...');
      memory = await streamMemory(url, path.join(outDir, 'index.js'));
    }

    let context = '';
    if (config.only.length === 0 || config.only.some((o) => 'context'.includes(o))) {
      log('request context cost: the same queries with and without a context...');
      context = await contextCostTable(
        url,
        operations,
        [
          ['PostWithAuthor (object)', 'PostWithAuthor', { id: '22222222-2222-4222-8222-000000000007' }],
          ['PostsPage (list of 100)', 'PostsPage', { offset: 0 }],
        ],
        500,
      );
    }

    let dynamic = '';
    if (config.only.length === 0 || config.only.some((o) => 'where'.includes(o))) {
      log('whole-variable where next to the same filter as literals...');
      dynamic = await dynamicWhereTable(url, operations);
    }

    const cpus = os.cpus();
    process.stdout.write(
      `\nFraise benchmark: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, ` +
        `pool ${config.poolSize}, concurrency ${config.concurrency}, ${config.seconds} s per scenario per contender ` +
        `(${config.rounds} interleaved slices, ${config.warmupSeconds} s warm-up); ` +
        `load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end\n\n`,
    );
    if (results.length > 0) process.stdout.write(`${loadTable(results)}\n\n`);
    if (memory) process.stdout.write(`Streaming memory, AllPosts:\n\n${memory}\n\n`);
    if (context) process.stdout.write(`${context}\n\n`);
    if (dynamic) process.stdout.write(`${dynamic}\n\n`);
    process.stdout.write(`Total run time (seeding included): ${elapsedTotal().toFixed(0)} s\n`);
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
