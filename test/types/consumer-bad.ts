// Mistakes the generated types must catch (see generatedTypes.test.ts for the expected errors).
import pg from 'pg';
import { createRuntime } from 'fraise/runtime';
import { PostWithAuthor, SearchPosts } from '../.generated/blog-types/index.js';

const runtime = createRuntime({ pool: new pg.Pool() });

export async function mistakes(): Promise<unknown[]> {
  const result = await runtime.execute(PostWithAuthor, { id: 'x' });
  const post = result.data?.post;
  const misspelt = post?.titel;
  const wrongType: number | undefined = post?.title;
  const notSelected = post?.body;
  await runtime.execute(PostWithAuthor, { id: 42 });
  await runtime.execute(PostWithAuthor, {});
  await runtime.execute(SearchPosts, { where: { title: { contians: 'x' } } });
  await runtime.execute(SearchPosts, { orderBy: [{ views: 'UP' }] });
  return [misspelt, wrongType, notSelected];
}
