// Results as Markdown tables (readable in a terminal, pasted as is into docs/benchmarks.md).
import { FLOOR, GRAPHQL_JS } from './contenders.js';
import { percentile, type Measurement } from './load.js';
import { MB } from './memory.js';

export interface ScenarioResult {
  readonly scenario: string;
  readonly operation: string;
  readonly measurements: readonly Measurement[];
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAlignFrom = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i >= rightAlignFrom ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const opsPerSecond = (m: Measurement): number => m.requests / m.seconds;
/** Node's and PostgreSQL's CPU per request (PostgreSQL's is NaN off Linux: then Node's alone). */
const cpuPerOp = (m: Measurement): number => (m.nodeCpuMs + (Number.isNaN(m.postgresCpuMs) ? 0 : m.postgresCpuMs)) / m.requests;
const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const ms = (value: number): string => fixed(value, value < 10 ? 2 : 1);

export function loadTable(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [];
  for (const { scenario, operation, measurements } of results) {
    const floor = measurements.find((m) => m.contender === FLOOR);
    const graphqlJs = measurements.find((m) => m.contender === GRAPHQL_JS);
    for (const m of measurements) {
      const sorted = [...m.latenciesMs].sort((a, b) => a - b);
      const ops = opsPerSecond(m);
      const cpu = cpuPerOp(m);
      rows.push([
        `${scenario} (${operation})`,
        m.contender,
        fixed(ops, ops < 100 ? 1 : 0),
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 99)),
        ms(m.nodeCpuMs / m.requests),
        ms(m.postgresCpuMs / m.requests),
        fixed(m.peakRssDelta / MB, 1),
        floor ? `${fixed(ops / opsPerSecond(floor), 2)}x` : '-',
        graphqlJs ? `${fixed(ops / opsPerSecond(graphqlJs), 2)}x` : '-',
        floor ? `${fixed(cpu / cpuPerOp(floor), 2)}x` : '-',
        graphqlJs ? `${fixed(cpu / cpuPerOp(graphqlJs), 2)}x` : '-',
      ]);
    }
  }
  return markdownTable(
    ['scenario', 'contender', 'ops/s', 'p50 ms', 'p99 ms', 'node CPU ms/op', 'pg CPU ms/op', 'peak RSS +MB',
      'ops/s vs floor', 'ops/s vs graphql-js', 'CPU/op vs floor', 'CPU/op vs graphql-js'],
    rows,
    2,
  );
}
