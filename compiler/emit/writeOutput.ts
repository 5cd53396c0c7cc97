// Writes the output folder atomically: everything goes to a sibling temporary folder first, which
// then replaces the old one, so an error or a kill never leaves a half-written folder behind and
// modules of deleted operations disappear.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeOutputFolder(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  const target = path.resolve(out);
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
