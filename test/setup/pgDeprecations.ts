// Fails the test during which pg warned of a deprecation (setupFiles in vitest.config.ts). pg 8
// warns of what pg 9 removes, e.g. calling client.query while the client still has a query
// waiting, which pg 9 makes an error: code that does it must await instead. Node warns once per
// process, and each test file runs in a process of its own, so the test that first does it fails.
import { afterAll, afterEach } from 'vitest';

const seen: Error[] = [];

process.on('warning', (warning) => {
  if (isPgDeprecation(warning)) seen.push(warning);
});

/** A DeprecationWarning that pg emitted (its messages name pg@9; the stack starts in pg). */
export function isPgDeprecation(warning: Error): boolean {
  return warning.name === 'DeprecationWarning' && (/\bpg@9\b/.test(warning.message) || /[\\/]node_modules[\\/]pg[\\/]/.test(warning.stack ?? ''));
}

/** Hands over the pg deprecations seen so far and forgets them (for the test of this guard). */
export function takePgDeprecations(): Error[] {
  return seen.splice(0);
}

async function failOnPgDeprecation(): Promise<void> {
  // process.emitWarning emits on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  const warnings = takePgDeprecations();
  if (warnings.length > 0) {
    throw new Error(`pg warned of a deprecation (an error from pg 9): await the previous query instead of queueing.\n${warnings.map((w) => w.stack ?? w.message).join('\n')}`);
  }
}

afterEach(failOnPgDeprecation);
afterAll(failOnPgDeprecation);
