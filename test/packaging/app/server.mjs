// The production server of the packaging test: it only imports the installed runtime package (and
// pg). argv: <pg module: "pg" or a path to another copy of pg> <database url>. Prints its port.
import http from 'node:http';
import { createHandler } from '@fraise/runtime';
import { operations } from './generated/index.js';

const [pgModule, databaseUrl] = process.argv.slice(2);
const { default: pg } = await import(pgModule);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const graphql = createHandler({ pool, operations });
const server = http.createServer((req, res) => void graphql(req, res));
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
