// What a whole-variable filter (`where: $where`, built per shape by generated code and prepared
// once per shape) costs next to the same filter written as literals, and how many statements the
// connection holds after ten alternating shapes.
import pg from 'pg';
import { createRuntime, type AnyCompiledOperation } from '@fraise/runtime';

const SAME_SHAPE = {
  where: { status: { eq: 'PUBLISHED' }, views: { gte: 500 } },
  orderBy: [{ views: 'DESC' }],
  limit: 20,
  offset: 0,
};

/** Ten filters of different shapes, cycled through by the second measurement. */
const SHAPES: readonly Record<string, unknown>[] = [
  { status: { eq: 'PUBLISHED' } },
  { views: { gte: 500 } },
  { status: { eq: 'DRAFT' }, views: { lt: 100 } },
  { title: { icontains: 'sql' } },
  { rating: { isnull: true } },
  { OR: [{ status: { eq: 'ARCHIVED' } }, { views: { gt: 1000 } }] },
  { NOT: { status: { eq: 'PUBLISHED' } } },
  { author: { role: { eq: 'ADMIN' } } },
  { status: { in: ['DRAFT', 'ARCHIVED'] }, rating: { gte: 3 } },
  { title: { startswith: 'why' }, views: { lte: 900 } },
];

export async function dynamicWhereTable(
  databaseUrl: string,
  operations: Readonly<Record<string, AnyCompiledOperation>>,
  requests = 200,
): Promise<string> {
  const search = operations['SearchPosts'];
  const literal = operations['SearchPostsLiteral'];
  if (!search || !literal) throw new Error('SearchPosts / SearchPostsLiteral were not compiled');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const runtime = createRuntime({ pool });
    const time = async (run: (i: number) => Promise<unknown>, count = requests): Promise<number> => {
      for (let i = 0; i < 20; i++) await run(i); // warm up: statements prepared, plans cached
      const started = performance.now();
      for (let i = 0; i < count; i++) await run(i);
      return (performance.now() - started) / count;
    };
    const literalMs = await time(() => runtime.execute(literal, {}));
    const variableMs = await time(() => runtime.execute(search, SAME_SHAPE));
    // Ten different filters (some scan JSON paths of every row): their time is the filters' own,
    // shown to see that ten shapes stay ten prepared statements, not to compare with the literal.
    const shapesMs = await time((i) => runtime.execute(search, { where: SHAPES[i % SHAPES.length], limit: 20, offset: 0 }), 50);
    const prepared = await pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'fraise_%'");
    return [
      `whole-variable where, ${requests} sequential requests each, one connection (pool max 1)`,
      '',
      '| filter | mean ms | vs literal |',
      '|---|---|---|',
      `| literals in the operation (SearchPostsLiteral) | ${literalMs.toFixed(3)} | 1.00x |`,
      `| the same filter as \`where: $where\` (SearchPosts) | ${variableMs.toFixed(3)} | ${(variableMs / literalMs).toFixed(2)}x |`,
      `| \`where: $where\`, 10 alternating shapes (different filters, 50 requests) | ${shapesMs.toFixed(3)} | - |`,
      '',
      `prepared statements on the connection afterwards: ${prepared.rows[0]!.n} (1 literal + 1 + 10 shapes)`,
    ].join('\n');
  } finally {
    await pool.end();
  }
}
