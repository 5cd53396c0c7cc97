// Many concurrent HTTP clients POSTing persisted GraphQL requests, every answer checked against the
// expected JSON: the load of the scale-out test (test/scale/serveWorkers.test.ts) and of
// `npm run bench:scale` (bench/scaleOut.ts). autocannon drives the connections; each connection
// cycles through `requests` in order.
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';

export interface CheckedRequest {
  readonly name: string;
  readonly body: string;
  readonly expected: unknown;
}

export interface LoadReport {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  /** Answers that were not 200 or not exactly the expected JSON (first few kept in `samples`). */
  readonly wrong: number;
  readonly samples: readonly string[];
}

export async function runLoad(url: string, requests: readonly CheckedRequest[], connections: number, seconds: number): Promise<LoadReport> {
  let wrong = 0;
  const samples: string[] = [];
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    requests: requests.map((r) => ({
      method: 'POST' as const,
      path: new URL(url).pathname,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: r.body,
      onResponse: (status: number, body: string) => {
        let ok = status === 200;
        if (ok) {
          try {
            ok = isDeepStrictEqual(JSON.parse(body), r.expected);
          } catch {
            ok = false;
          }
        }
        if (!ok) {
          wrong++;
          if (samples.length < 5) samples.push(`${r.name}: ${status} ${body.slice(0, 300)}`);
        }
      },
    })),
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    wrong,
    samples,
  };
}
