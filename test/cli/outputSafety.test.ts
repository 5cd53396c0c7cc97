// Deterministic, complete output: the same inputs give byte-identical files whatever the process
// environment; a failed write or a killed compile never leaves a half-written output folder.
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputFolder } from '../../compiler/index.js';
import { repoRoot } from '../support/compileFixture.js';
import { BLOG_SCHEMA, readTree, runCli, tempProject } from '../support/cli.js';

const SNAPSHOT = path.join(repoRoot, 'fixtures/blog/fraise.metadata.json');
const compileArgs = (operations: string, out: string): string[] => [
  '--schema', BLOG_SCHEMA, '--operations', operations, '--out', out, '--metadata', SNAPSHOT,
];

describe('determinism', () => {
  it('gives byte-identical output in processes with different time zones and locales', async () => {
    const dir = await tempProject({});
    await cp(path.join(repoRoot, 'fixtures/blog/operations'), path.join(dir, 'ops'), { recursive: true });
    const first = await runCli(compileArgs('ops/*.graphql', 'a'), dir, { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const second = await runCli(compileArgs('ops/*.graphql', 'b'), dir, { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
    expect([first.code, second.code]).toEqual([0, 0]);
    const a = await readTree(path.join(dir, 'a'));
    const b = await readTree(path.join(dir, 'b'));
    expect(a.size).toBe(33 * 3 + 3 + 2);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
  });
});

describe('atomic output folder', () => {
  it('keeps the previous folder, whole, when a write fails part way', async () => {
    const dir = await tempProject({});
    const out = path.join(dir, 'generated');
    await writeOutputFolder(out, new Map([['A.ts', 'old A'], ['B.ts', 'old B']]));
    const bad = new Map([['A.ts', 'new A'], ['sub\0/C.ts', 'unwritable name']]);
    await expect(writeOutputFolder(out, bad)).rejects.toThrow();
    expect(await readTree(out)).toEqual(new Map([['A.ts', 'old A'], ['B.ts', 'old B']]));
    expect(await readdir(dir)).toEqual(['generated']);
  });

  it('leaves the old or the new folder, complete, whenever a compile is killed, and the next run cleans up', async () => {
    const dir = await tempProject({});
    await cp(path.join(repoRoot, 'fixtures/blog/operations'), path.join(dir, 'all'), { recursive: true });
    await mkdir(path.join(dir, 'few'));
    await cp(path.join(dir, 'all/ListUsers.graphql'), path.join(dir, 'few/ListUsers.graphql'));
    expect((await runCli(compileArgs('few/*.graphql', 'old'), dir)).code).toBe(0);
    expect((await runCli(compileArgs('all/*.graphql', 'new'), dir)).code).toBe(0);
    const oldTree = await readTree(path.join(dir, 'old'));
    const newTree = await readTree(path.join(dir, 'new'));

    // Kill the compile at different moments; whatever the moment, the folder must be whole.
    for (const delay of [0, 150, 300, 450, 600, 750, 900, 1050, 1200, 1400]) {
      await rm(path.join(dir, 'generated'), { recursive: true, force: true });
      await cp(path.join(dir, 'old'), path.join(dir, 'generated'), { recursive: true });
      await killedCompile(compileArgs('all/*.graphql', 'generated'), dir, delay);
      const entries = (await readdir(dir)).filter((e) => e.startsWith('generated'));
      if (entries.includes('generated')) {
        const tree = await readTree(path.join(dir, 'generated'));
        expect([oldTree, newTree].some((t) => equalTrees(t, tree)), `killed after ${delay} ms`).toBe(true);
      } else {
        // Killed between its two renames: the old folder is still there, whole, under its temporary name.
        const old = entries.find((e) => e.startsWith('generated.fraise-old-'));
        expect(old, `killed after ${delay} ms: ${entries.join(', ')}`).toBeDefined();
        expect(equalTrees(await readTree(path.join(dir, old!)), oldTree)).toBe(true);
      }
    }
    const final = await runCli(compileArgs('all/*.graphql', 'generated'), dir);
    expect(final.code).toBe(0);
    expect(equalTrees(await readTree(path.join(dir, 'generated')), newTree)).toBe(true);
    expect((await readdir(dir)).filter((e) => e.startsWith('generated'))).toEqual(['generated']);
  });
});

function equalTrees(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, text]) => b.get(name) === text);
}

/** Runs fraise-compile and SIGKILLs it after `delay` ms (or lets it finish if it is faster). */
function killedCompile(args: readonly string[], cwd: string, delay: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fraise-compile.js'), ...args], { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
