// fraise-compile serve --workers N: node:cluster runs N copies of the server, sharing one listening
// socket (the runtime keeps no state between requests, so any worker can answer any request). The
// primary only supervises: a worker that dies is replaced, SIGTERM or SIGINT asks every worker to
// shut down gracefully (each stops accepting, finishes its in-flight requests up to its deadline and
// ends its pools) and the primary exits once all have.
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';

/** What a worker tells the primary once it listens. */
export interface ListeningMessage {
  readonly kind: 'fraise-listening';
  readonly url: string;
  readonly operationCount: number;
}

/** `--workers`: a count, or `auto` for one per core; absent: one per core when NODE_ENV=production, else 1. */
export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (flag === undefined) return env['NODE_ENV'] === 'production' ? os.availableParallelism() : 1;
  if (flag === 'auto') return os.availableParallelism();
  const count = Number(flag);
  return Number.isSafeInteger(count) && count >= 1 && count <= 1024 ? count : undefined;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tells the primary where it listens. */
export function reportListening(url: string, operationCount: number): void {
  const message: ListeningMessage = { kind: 'fraise-listening', url, operationCount };
  process.send?.(message);
}

/**
 * In the primary: forks `count` workers running this same command and supervises them until
 * SIGTERM/SIGINT. Resolves with the exit code: 0 after a graceful stop, 1 when a worker failed
 * before it ever listened (a bad --dir, a port in use...: restarting would fail the same way).
 */
export function runPrimary(count: number, print: (line: string) => void, log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const workers = new Set<Worker>();
    const listening = new Set<Worker>();
    let stopping = false;
    let code = 0;
    let announced = false;
    const stopAll = (signal: NodeJS.Signals): void => {
      stopping = true;
      for (const worker of workers) worker.process.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
      if (workers.size === 0) resolve(code);
    };
    const fork = (): void => {
      const worker = cluster.fork();
      workers.add(worker);
      worker.on('message', (message: Partial<ListeningMessage>) => {
        if (message?.kind !== 'fraise-listening') return;
        listening.add(worker);
        if (!announced && listening.size === count) {
          announced = true;
          print(`fraise-compile serve: ${message.operationCount} operation(s) at ${message.url} (${count} workers)`);
        }
      });
      worker.on('exit', (exitCode, signal) => {
        workers.delete(worker);
        const everListened = listening.delete(worker);
        if (stopping) {
          if (workers.size === 0) resolve(code);
          return;
        }
        if (!everListened) {
          log(`worker ${worker.process.pid} failed before listening (${signal ?? exitCode}); stopping`);
          code = 1;
          stopAll('SIGTERM');
          return;
        }
        log(`worker ${worker.process.pid} exited (${signal ?? exitCode}); starting another`);
        fork();
      });
    };
    process.once('SIGTERM', () => stopAll('SIGTERM'));
    process.once('SIGINT', () => stopAll('SIGINT'));
    for (let i = 0; i < count; i++) fork();
  });
}

/** In a worker, once it closed: the IPC channel to the primary would otherwise keep it alive. */
export function leaveCluster(): void {
  if (cluster.isWorker) process.disconnect?.();
}
