// npm run bench: runs the benchmarks compiled into dist/bench/ (see docs/mutations.md for context).
await import('../dist/bench/context.js');
