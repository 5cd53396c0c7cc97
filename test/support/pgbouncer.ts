// The PgBouncer harness lives in scripts/lib (npm run bench:scale starts one too).
export * from '../../scripts/lib/pgbouncer.js';
