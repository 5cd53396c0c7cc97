// One measured slice of `npm run bench:http` against one server: autocannon load, then sequential
// requests on one keep-alive connection, with the CPU the server process and PostgreSQL spent.
import http from 'node:http';
import autocannon from 'autocannon';
import { postgresCpuMs } from '../cpu.js';
import { processCpuMs } from './procCpu.js';

export interface Slice {
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** Server process CPU (user + system, all threads) per request under load, ms. */
  readonly nodeCpuMs: number;
  /** PostgreSQL CPU (every process of the server) per request under load, ms. */
  readonly pgCpuMs: number;
  /** Median latency of sequential requests on one connection, ms. */
  readonly sequentialMs: number;
}

export interface Target {
  readonly url: string;
  readonly pid: number;
  readonly body: string;
}

export async function load(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: target.body,
    // The 10k-row shape takes seconds per request under load: only a stuck server should time out.
    timeout: 120,
  });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${target.url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return result;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs the body and resolves with the response text. */
export function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sequential requests for about `seconds` (at least `min`); the median latency in ms. */
async function sequential(target: Target, seconds: number, min: number): Promise<number> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (latencies.length < min || performance.now() < until) {
    const started = performance.now();
    await post(target.url, target.body);
    latencies.push(performance.now() - started);
  }
  return median(latencies);
}

export async function measureSlice(target: Target, postmasterPid: number, connections: number, seconds: number): Promise<Slice> {
  const node0 = processCpuMs(target.pid);
  const pg0 = postgresCpuMs(postmasterPid);
  const result = await load(target, connections, seconds);
  const node1 = processCpuMs(target.pid);
  const pg1 = postgresCpuMs(postmasterPid);
  const requests = result.requests.total;
  const sequentialMs = await sequential(target, Math.max(1, seconds / 2), 5);
  return {
    requests,
    reqPerSec: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    nodeCpuMs: (node1 - node0) / requests,
    pgCpuMs: (pg1 - pg0) / requests,
    sequentialMs,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
