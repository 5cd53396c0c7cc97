// Incremental output for watch mode: writes only the files whose content changed, each through a
// temporary file and a rename (a reader never sees half a module), and removes files that are no
// longer produced. `previous` is what the last run wrote; without it the folder is read.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeChangedFiles(
  out: string,
  files: ReadonlyMap<string, string>,
  previous?: ReadonlyMap<string, string>,
): Promise<{ written: string[]; removed: string[] }> {
  const target = path.resolve(out);
  await mkdir(target, { recursive: true });
  const existing = previous ?? (await readFolder(target));
  const written: string[] = [];
  for (const [name, content] of files) {
    if (existing.get(name) === content) continue;
    const file = path.join(target, name);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.fraise-tmp-${process.pid}`;
    await writeFile(temp, content);
    await rename(temp, file);
    written.push(name);
  }
  const removed: string[] = [];
  for (const name of existing.keys()) {
    if (files.has(name)) continue;
    await rm(path.join(target, name), { force: true });
    removed.push(name);
  }
  return { written, removed };
}

async function readFolder(dir: string): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    contents.set(path.relative(dir, file).split(path.sep).join('/'), await readFile(file, 'utf8'));
  }
  return contents;
}
