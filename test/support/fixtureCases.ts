// The fixtures' cases (fixtures/<name>/cases.json: a name, an operation and its variables) and
// where each one's reviewed response is stored (test/e2e/__responses__, written by the fixture's
// e2e test, read back by the tests that must give the same answers another way).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './compileFixture.js';

export interface FixtureCase {
  readonly name: string;
  readonly operation: string;
  readonly variables: Record<string, unknown>;
}

export async function readCases(fixtureDir: string): Promise<FixtureCase[]> {
  return JSON.parse(await readFile(path.join(fixtureDir, 'cases.json'), 'utf8')) as FixtureCase[];
}

/**
 * The file of a case's reviewed response: its name as a slug plus six hex digits of the name's
 * sha256, since some names differ in punctuation only ("like escaped %" / "_"). The saas
 * fixture's are in a folder of their own.
 */
export function responsePath(caseName: string, fixture: 'blog' | 'saas' = 'blog'): string {
  const slug = caseName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const file = `${slug}-${createHash('sha256').update(caseName).digest('hex').slice(0, 6)}.json`;
  return path.join(repoRoot, 'test/e2e/__responses__', ...(fixture === 'saas' ? ['saas'] : []), file);
}

/** The reviewed response of a blog fixture case. */
export async function reviewedResponse(caseName: string): Promise<unknown> {
  return JSON.parse(await readFile(responsePath(caseName), 'utf8'));
}
