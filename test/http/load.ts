// Steady traffic for the survival tests: `concurrency` loops sending one request after another,
// recording how each ended.
export interface Outcome {
  /** HTTP status, or 0 when the exchange itself failed (no response, or a cut-off body). */
  readonly status: number;
  /** The first GraphQL error's code, if the response had errors. */
  readonly code: string | undefined;
  readonly ok: boolean;
  /** When the request was sent and answered (performance.now()). */
  readonly sentAt: number;
  readonly answeredAt: number;
}

export interface Load {
  readonly outcomes: Outcome[];
  /** Stops sending and resolves once every loop's last request is answered. */
  stop(): Promise<Outcome[]>;
}

export function startLoad(send: () => Promise<Response>, concurrency: number): Load {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const sentAt = performance.now();
      try {
        const response = await send();
        const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
        const code = body.errors?.[0]?.extensions?.code;
        outcomes.push({ status: response.status, code, ok: response.status === 200 && code === undefined && body.data !== undefined, sentAt, answeredAt: performance.now() });
      } catch {
        outcomes.push({ status: 0, code: undefined, ok: false, sentAt, answeredAt: performance.now() });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** Resolves once `check` holds, polling; the test's timeout bounds it. */
export async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** Resolves once `count` more outcomes were recorded. */
export function moreOutcomes(load: Load, count: number): Promise<void> {
  const target = load.outcomes.length + count;
  return until(() => load.outcomes.length >= target);
}
