// Writes the output folder atomically: everything goes to a sibling temporary folder first, which
// then replaces the old one, so an error or a kill never leaves a half-written folder behind and
// modules of deleted operations disappear. Leftovers of a killed run (its temporary folder, or the
// old folder if it was killed between the two renames) are cleaned up, or put back, by the next.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeOutputFolder(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  const target = path.resolve(out);
  await recoverLeftovers(target);
  const staging = `${target}.fraise-tmp-${process.pid}`;
  const old = `${target}.fraise-old-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    for (const [name, content] of files) {
      await mkdir(path.dirname(path.join(staging, name)), { recursive: true });
      await writeFile(path.join(staging, name), content);
    }
    await rename(target, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, target);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Removes temporary folders of dead writers; restores the old folder if a writer died between its renames. */
async function recoverLeftovers(target: string): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.fraise-`;
  const entries = await readdir(dir).catch(() => [] as string[]);
  let targetExists = entries.includes(path.basename(target));
  for (const entry of entries.filter((e) => e.startsWith(prefix)).sort()) {
    const match = /^(tmp|old)-(\d+)$/.exec(entry.slice(prefix.length));
    if (!match || isAlive(Number(match[2]))) continue;
    const leftover = path.join(dir, entry);
    if (match[1] === 'old' && !targetExists) {
      await rename(leftover, target);
      targetExists = true;
    } else {
      await rm(leftover, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // an earlier, failed call of this process
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
