// Progress lines on stderr (the results go to stdout), and small formatting helpers.
const start = performance.now();

export function log(message: string): void {
  process.stderr.write(`[${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

/** Seconds elapsed since `since` (a performance.now() value), e.g. "12.3 s". */
export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

export function elapsedTotal(): number {
  return (performance.now() - start) / 1000;
}
