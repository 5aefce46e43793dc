import { createServer, type Server, Socket } from 'node:net';

/** A loopback TCP proxy in front of a database whose link can be cut and restored (fault tests). */
export interface DatabaseProxy {
  /** The proxy's port on 127.0.0.1: give the servers a storage URL naming it instead of the database's. */
  readonly port: number;
  /** Connections opened through the proxy so far (to check the servers use it). */
  readonly accepted: number;
  /** Destroys every open connection (both sides) and resets every new one until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 forwarding each connection to `host:port` (the database). While cut, the database
 * is unreachable as when its machine is gone from the network: open connections break, new ones are reset at once.
 *
 * @example
 *   const proxy = await databaseProxy('127.0.0.1', 5432);
 *   const url = new URL(db.url); url.port = String(proxy.port); // the servers' --db
 *   proxy.cut(); … proxy.restore();
 */
export async function databaseProxy(host: string, port: number): Promise<DatabaseProxy> {
  const open = new Set<Socket>();
  let cut = false;
  let accepted = 0;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server: Server = createServer((client) => {
    if (cut) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = new Socket();
    track(client);
    track(upstream);
    upstream.connect(port, host);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    get accepted() {
      return accepted;
    },
    cut() {
      cut = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    close() {
      cut = true;
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
