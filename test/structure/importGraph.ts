// The import graph of the repository's TypeScript sources, read with TypeScript's own scanner
// (`ts.preProcessFile`): static imports, `import type`, `export ... from` and dynamic `import()`
// all count, so a cycle cannot hide behind a type-only or a lazy import.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** File (relative to the root, `/`-separated) -> the specifiers it imports, as written. */
export interface ImportGraph {
  readonly root: string;
  /** Local edges: file -> files of the graph it imports. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** Every specifier each file imports that is not a file of the graph (packages, node builtins). */
  readonly external: ReadonlyMap<string, readonly string[]>;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'generated', '.generated', '.out']);

/** Every `.ts` source (not `.d.ts`) under `dirs`, relative to `root`. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort();
}

/**
 * Reads the imports of `files`. Relative specifiers resolve as NodeNext does for TypeScript
 * sources (`./x.js` is `./x.ts`); `aliases` maps package names to files of the graph (the
 * workspace package `@fraise/runtime` is `runtime/index.ts`, as tsconfig's `paths` says).
 */
export function readImportGraph(root: string, files: readonly string[], aliases: Readonly<Record<string, string>> = {}): ImportGraph {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  const external = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    const local: string[] = [];
    const outside: string[] = [];
    for (const { fileName: specifier } of info.importedFiles) {
      const target = resolve(file, specifier, known, aliases);
      if (target === undefined) outside.push(specifier);
      else if (!local.includes(target)) local.push(target);
    }
    edges.set(file, local);
    external.set(file, outside);
  }
  return { root, edges, external };
}

function resolve(from: string, specifier: string, known: ReadonlySet<string>, aliases: Readonly<Record<string, string>>): string | undefined {
  const alias = aliases[specifier];
  if (alias !== undefined) return alias;
  if (!specifier.startsWith('.')) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = joined.replace(/\.(js|ts)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}/index.ts`]) if (known.has(candidate)) return candidate;
  // A relative import of something that is not a source of the graph (a .json, a file outside the
  // walked folders): named by its resolved path so a caller can still see where it points.
  return undefined;
}

/**
 * The cycles of a graph: one per strongly connected component with more than one file (or a file
 * importing itself), each written as a closed path `a -> b -> ... -> a` starting from the
 * component's first file in name order, so the same cycle is always named the same way.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so that a deep chain of imports cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfImport = (edges.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfImport) components.push(component.sort());
      }
    }
  }
  return components.map((component) => cyclePath(component, edges)).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest closed path through `component` from its first file back to it (breadth first). */
function cyclePath(component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const target of edges.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const back = [start];
        for (let at: string | undefined = node; at !== start && at !== undefined; at = previous.get(at)) back.push(at);
        return [...back, start].reverse();
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
