// A small application module using generated types. Type-checked by test/types/generatedTypes.test.ts
// against modules generated into test/.generated/blog-types (so it is excluded from tsconfig.json).
import pg from 'pg';
import { createRuntime } from '@fraise/runtime';
import { PostWithAuthor, SearchPosts, UsersFilter, type PostWithAuthorData } from '../.generated/blog-types/index.js';

const runtime = createRuntime({ pool: new pg.Pool() });

export async function headline(id: string): Promise<string | null> {
  const result = await runtime.execute(PostWithAuthor, { id });
  const post: PostWithAuthorData['post'] | undefined = result.data?.post;
  if (!post) return null;
  const where: string | null = post.author.profile?.location ?? null;
  const status: 'DRAFT' | 'PUBLISHED' | 'ARCHIVED' = post.status;
  return `${post.title} by ${post.author.name} (${status}, ${post.views} views, ${where ?? 'nowhere'})`;
}

export async function activeNames(): Promise<string[]> {
  const result = await runtime.execute(UsersFilter, { active: true });
  return (result.data?.users ?? []).map((u) => u.name);
}

export async function search(text: string): Promise<number> {
  // Whole-variable filters are typed by the generated input types.
  const result = await runtime.execute(SearchPosts, {
    where: { OR: [{ title: { icontains: text } }, { author: { name: { startswith: text } } }], status: { in: ['PUBLISHED'] } },
    orderBy: [{ rating: 'DESC_NULLS_LAST' }, { author: { name: 'ASC' } }],
    limit: 10,
  });
  return result.data?.posts.length ?? 0;
}
