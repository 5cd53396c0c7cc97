// The four load scenarios: a fixture operation, the variables requests cycle through, and the
// hand-written floor statement with its bind values.
import { nestedFloor, postsFilterFloor, postsPageFloor, postWithAuthorFloor } from './floorSql.js';

export type Variables = Readonly<Record<string, unknown>>;

export interface Scenario {
  readonly name: string;
  readonly operation: string;
  readonly variables: readonly Variables[];
  readonly floor: { readonly name: string; readonly text: string; readonly values: (variables: Variables) => unknown[] };
  /** A sanity check on Fraise's data, so that "all contenders agree" cannot mean "all empty". */
  readonly expect: (data: unknown) => string | null;
}

const postId = (n: number): string => `22222222-2222-4222-8222-${String(n).padStart(12, '0')}`;
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
const postsOf = (data: unknown): unknown[] | undefined => (data as { posts?: unknown[] } | null)?.posts;
const expectRows = (count: number) => (data: unknown): string | null =>
  postsOf(data)?.length === count ? null : `expected ${count} posts, got ${postsOf(data)?.length}`;

export const scenarios: readonly Scenario[] = [
  {
    name: 'lookup',
    operation: 'PostWithAuthor',
    // 1000 different posts spread over the table
    variables: range(1000).map((i) => ({ id: postId(1 + ((i * 7919) % 100_000)) })),
    floor: { name: 'bench_floor_lookup', text: postWithAuthorFloor, values: (v) => [v['id']] },
    expect: (data) => ((data as { post?: unknown } | null)?.post ? null : 'expected a post'),
  },
  {
    name: '100-row page',
    operation: 'PostsPage',
    // the first ten pages
    variables: range(10).map((i) => ({ offset: i * 100 })),
    floor: { name: 'bench_floor_page', text: postsPageFloor, values: (v) => [v['offset'] ?? 0] },
    expect: expectRows(100),
  },
  {
    name: 'nested 20x5',
    operation: 'PostsWithAuthorAndComments',
    variables: [{}], // the operation has no variables
    floor: { name: 'bench_floor_nested', text: nestedFloor, values: () => [] },
    expect: expectRows(20),
  },
  {
    name: '10k-row list',
    operation: 'PostsFilter',
    variables: ['PUBLISHED', 'DRAFT', 'ARCHIVED'].flatMap((status) =>
      [0, 50, 100].map((offset) => ({ status, limit: 10_000, offset }))),
    floor: { name: 'bench_floor_10k', text: postsFilterFloor, values: (v) => [v['status'], v['limit'], v['offset']] },
    expect: expectRows(10_000),
  },
];
