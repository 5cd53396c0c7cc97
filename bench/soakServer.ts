// The server side of npm run soak, in its own process so that its memory is measured without the
// load generator's (which holds whole 7 MB answers to check them): createHandler on node:http
// over a pg pool, serving the blog fixture's operations, its mutations and the soak's 10,000-row
// list. Started by bench/soak.ts (node:child_process fork, IPC):
//   node --expose-gc soakServer.js <databaseUrl> <generated index.js> <mutations index.js>
// It sends { type: 'listening', url }; it answers { type: 'sample' } with a SoakSample and
// { type: 'stop' } by closing the server and the pool and exiting.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { answerServerRefusals, createHandler, type AnyCompiledOperation } from '@fraise/runtime';
import { bigRows, SOAK_POOL_SIZE, type SoakSample } from './soakCommon.js';

async function main(): Promise<void> {
  const [databaseUrl, generated, mutationsIndex] = process.argv.slice(2);
  if (!databaseUrl || !generated || !mutationsIndex) throw new Error('usage: soakServer.js <databaseUrl> <generated index.js> <mutations index.js>');
  const { operationsByName } = (await import(pathToFileURL(generated).href)) as { operationsByName: Record<string, AnyCompiledOperation> };
  const mutations = (await import(pathToFileURL(mutationsIndex).href)) as { operationsByName: Record<string, AnyCompiledOperation> };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: SOAK_POOL_SIZE, keepAlive: true, connectionTimeoutMillis: 5000 });
  const handlerErrors: string[] = [];
  let handlerErrorCount = 0;
  const handler = createHandler({
    pool,
    operations: [...Object.values(operationsByName), ...Object.values(mutations.operationsByName), bigRows],
    statementTimeout: 30_000,
    onError: (error) => {
      handlerErrorCount++;
      if (handlerErrors.length < 5) handlerErrors.push(error instanceof Error ? error.message : String(error));
    },
  });
  const server = answerServerRefusals(http.createServer((req, res) => void handler(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: { type: string }) => {
    if (message.type === 'sample') {
      gc?.();
      gc?.();
      // pg's list of a pool's clients, and each connection's named statements: pg internals, read
      // here only to report them.
      const clients = (pool as unknown as { _clients: { connection: { parsedStatements: Record<string, unknown> } }[] })._clients;
      const sample: SoakSample = {
        type: 'sample',
        memory: process.memoryUsage(),
        statementsPerConnection: clients.map((c) => Object.keys(c.connection.parsedStatements).length),
        handlerErrors: handlerErrorCount,
        firstHandlerErrors: handlerErrors,
      };
      process.send!(sample);
    } else if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => void pool.end().then(() => process.exit(0)));
    }
  });
  process.send!({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
