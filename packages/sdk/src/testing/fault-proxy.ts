import net from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'hang' | 'http-503';

/**
 * A TCP proxy on a loopback port in front of a real server, for fault injection: pass traffic, refuse
 * connections (the port is closed, then reopened on the same number), accept and never answer, or answer 503.
 */
export class FaultProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  mode: FaultMode = 'pass';

  constructor(private readonly targetPort: number) {}

  async start(port = 0): Promise<this> {
    const server = net.createServer((client) => this.onConnection(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  async setMode(mode: FaultMode): Promise<void> {
    if (mode === 'refuse' && this.server) {
      const s = this.server;
      this.server = undefined;
      this.dropAll();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    } else if (mode !== 'refuse' && !this.server) {
      await this.start(this.port);
    }
    if (mode !== 'pass') this.dropAll();
    this.mode = mode;
  }

  async close(): Promise<void> {
    this.dropAll();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private onConnection(client: net.Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'hang') return;
    if (this.mode === 'http-503') {
      client.once('data', () => client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 8\r\nConnection: close\r\n\r\noverload'));
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }
}
