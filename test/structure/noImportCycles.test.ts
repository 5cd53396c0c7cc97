// The structure the sources promise (docs/architecture.md): data flows one way, so no module
// imports itself through others, and the runtime is a package of its own that never reaches into
// the compiler (production installs @fraise/runtime without it).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph, sourceFiles } from './importGraph.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['compiler', 'runtime', 'scripts', 'bench'];
const graph = readImportGraph(repoRoot, sourceFiles(repoRoot, FOLDERS), { '@fraise/runtime': 'runtime/index.ts' });

/**
 * Cycles known and owned elsewhere, each written as findCycles names it. An entry that is no
 * longer a cycle fails the test too, so it is removed the moment its cycle is.
 */
const ALLOWED_CYCLES: readonly string[] = [];

describe('the import graph of compiler/, runtime/, scripts/ and bench/', () => {
  it('is read from the real sources', () => {
    // Guards the walk itself: a graph read from nothing has no cycles either.
    expect(graph.edges.size).toBeGreaterThan(150);
    expect(graph.edges.get('compiler/compile.ts')).toContain('compiler/diagnostics.ts');
    expect(graph.edges.get('compiler/cli.ts')).toContain('compiler/cli/compileCommand.ts');
    expect(graph.edges.get('compiler/emit/coercionCode.ts')).toContain('runtime/index.ts');
  });

  it('has no import cycles', () => {
    const cycles = findCycles(graph.edges).map((cycle) => cycle.join(' -> '));
    const unexpected = cycles.filter((cycle) => !ALLOWED_CYCLES.includes(cycle));
    expect(unexpected, `import cycles:\n${unexpected.join('\n')}`).toEqual([]);
    const stale = ALLOWED_CYCLES.filter((cycle) => !cycles.includes(cycle));
    expect(stale, `allowed cycles that are gone (remove them from ALLOWED_CYCLES):\n${stale.join('\n')}`).toEqual([]);
  });

  it('keeps the runtime to itself: no compiler/, scripts/ or bench/ file, only node builtins, pg and jose', () => {
    const runtimeFiles = [...graph.edges.keys()].filter((file) => file.startsWith('runtime/'));
    expect(runtimeFiles.length).toBeGreaterThan(40);
    const outside = runtimeFiles.flatMap((file) => graph.edges.get(file)!.filter((target) => !target.startsWith('runtime/')).map((target) => `${file} -> ${target}`));
    expect(outside).toEqual([]);
    const packages = runtimeFiles.flatMap((file) =>
      graph.external.get(file)!.filter((specifier) => !specifier.startsWith('node:') && specifier !== 'pg' && specifier !== 'jose').map((specifier) => `${file} -> ${specifier}`),
    );
    expect(packages).toEqual([]);
  });
});

describe('findCycles', () => {
  const graphOf = (edges: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(edges));

  it('names each cycle as a closed path from its first file, and nothing in an acyclic graph', () => {
    expect(findCycles(graphOf({ a: ['b'], b: ['c'], c: [], d: ['a', 'c'] }))).toEqual([]);
    expect(findCycles(graphOf({ a: ['b'], b: ['a'] }))).toEqual([['a', 'b', 'a']]);
    expect(findCycles(graphOf({ x: ['x'] }))).toEqual([['x', 'x']]);
    expect(findCycles(graphOf({ c: ['a'], a: ['b'], b: ['c'], d: ['e'], e: ['f'], f: ['d'], g: ['a'] }))).toEqual([
      ['a', 'b', 'c', 'a'],
      ['d', 'e', 'f', 'd'],
    ]);
    // Two cycles through one file are one component, named by its shortest cycle from that file.
    expect(findCycles(graphOf({ a: ['b', 'c'], b: ['a'], c: ['d'], d: ['a'] }))).toEqual([['a', 'b', 'a']]);
  });

  it('walks a chain of 100 000 imports without overflowing the stack', () => {
    const edges = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) edges.set(`m${i}`, [`m${(i + 1) % 100_000}`]);
    const cycles = findCycles(edges);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(100_001);
  });
});
