// A fault-injecting TCP proxy for the tests, between the server under test and PostgreSQL: added
// latency, a bandwidth limit, connections reset mid-result, a black hole (the link stays open but
// nothing goes through: a half-open connection), and open links silenced one by one while new
// ones work. Faults can change while connections are open.
import net from 'node:net';

export interface Faults {
  /** Extra delay of every chunk, each direction, uniformly drawn from [min, max] ms. */
  readonly latencyMs?: readonly [number, number];
  /** Most bytes per second, each direction and connection. */
  readonly bytesPerSecond?: number;
  /**
   * Nothing goes through: chunks are dropped, new connections are accepted but never reach
   * PostgreSQL. Open connections stay broken afterwards (what they sent is lost), new ones work.
   */
  readonly blackHole?: boolean;
}

export interface ChaosProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Connections accepted since the proxy started. */
  readonly accepted: number;
  /**
   * The connections open now go silent for good (their chunks are dropped both ways, nothing is
   * closed); new ones work: one link lost without a word, as when a NAT or firewall forgets it.
   * Returns how many.
   */
  silenceOpen(): number;
  set(faults: Faults): void;
  /**
   * Resets (TCP RST) every open connection once it has carried `afterBytes` more bytes from
   * PostgreSQL (0: at once); returns how many were reset, when they all were.
   */
  resetAll(afterBytes?: number): Promise<number>;
  close(): Promise<void>;
}

interface Link {
  readonly client: net.Socket;
  readonly server: net.Socket;
  /** Bytes sent from PostgreSQL to the client. */
  down: number;
  onDown?: () => void;
  /** Everything is dropped from now on (silenceOpen). */
  silent?: boolean;
}

export async function startChaosProxy(databaseUrl: string): Promise<ChaosProxy> {
  const target = new URL(databaseUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || 5432);
  let faults: Faults = {};
  const links = new Set<Link>();

  /** Forwards `from` to `to` through the current faults, keeping chunk order. */
  const forward = (link: Link, from: net.Socket, to: net.Socket, count?: (n: number) => void): void => {
    // One queue per direction, sent in order by one timer: timers of different durations that
    // expire together may run in any order, which would reorder the protocol's bytes.
    const queue: { chunk: Buffer; at: number }[] = [];
    let readyAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.at <= now) {
        const { chunk } = queue.shift()!;
        if (to.destroyed) continue;
        to.write(chunk);
        count?.(chunk.length);
      }
      if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - now);
    };
    from.on('data', (chunk: Buffer) => {
      if (faults.blackHole || link.silent) return;
      const [min, max] = faults.latencyMs ?? [0, 0];
      const now = performance.now();
      const latency = min + Math.random() * (max - min);
      const transfer = faults.bytesPerSecond ? (chunk.length / faults.bytesPerSecond) * 1000 : 0;
      readyAt = Math.max(now + latency, readyAt) + transfer;
      queue.push({ chunk, at: readyAt });
      if (timer === undefined) pump();
    });
  };

  let accepted = 0;
  const proxy = net.createServer((client) => {
    accepted++;
    client.setNoDelay(true);
    if (faults.blackHole) {
      // Accepted, never answered: the client's connect or first query hangs.
      client.on('error', () => {});
      const server = new net.Socket();
      const link: Link = { client, server, down: 0 };
      links.add(link);
      client.on('close', () => links.delete(link));
      return;
    }
    const server = net.connect(targetPort, targetHost);
    server.setNoDelay(true);
    const link: Link = { client, server, down: 0 };
    links.add(link);
    const end = (): void => {
      links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    forward(link, client, server);
    forward(link, server, client, (n) => {
      link.down += n;
      link.onDown?.();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    get connections() {
      return links.size;
    },
    get accepted() {
      return accepted;
    },
    silenceOpen() {
      for (const link of links) link.silent = true;
      return links.size;
    },
    set(next) {
      faults = { ...next };
    },
    resetAll(afterBytes = 0) {
      const open = [...links];
      return Promise.all(
        open.map(
          (link) =>
            new Promise<void>((resolve) => {
              const limit = link.down + afterBytes;
              const reset = (): void => {
                link.onDown = undefined;
                link.client.resetAndDestroy();
                link.server.destroy();
                resolve();
              };
              if (afterBytes === 0) return reset();
              link.onDown = () => {
                if (link.down >= limit) reset();
              };
              link.client.once('close', () => resolve());
            }),
        ),
      ).then(() => open.length);
    },
    close: async () => {
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
