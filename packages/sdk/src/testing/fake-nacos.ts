import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHost {
  ip: string;
  port: number;
  healthy?: boolean;
  weight?: number;
}

/**
 * A scripted Nacos-like HTTP server on a loopback port, for answers a real server would not give on demand:
 * empty lists, 403s, a foreign service on the port. `hosts` is what the list answers; `handle` can override any request.
 */
export class FakeNacos {
  hosts: FakeHost[] = [];
  requests: Array<{ method: string; path: string; query: URLSearchParams }> = [];
  handle: ((path: string, query: URLSearchParams, res: http.ServerResponse) => boolean) | undefined;
  private readonly server = http.createServer((req, res) => this.onRequest(req, res));
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    if (this.handle?.(url.pathname, url.searchParams, res)) return;
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    switch (url.pathname) {
      case '/nacos/v1/ns/instance/list':
        return json({
          name: url.searchParams.get('serviceName'),
          clusters: url.searchParams.get('clusters') ?? '',
          cacheMillis: 50,
          lastRefTime: Date.now(),
          hosts: this.hosts.map((h) => ({ ip: h.ip, port: h.port, healthy: h.healthy ?? true, enabled: true, weight: h.weight ?? 1, clusterName: 'DEFAULT', metadata: {} })),
        });
      case '/nacos/v1/ns/operator/metrics':
        return json({ status: 'UP' });
      case '/nacos/v1/ns/instance/beat':
        return json({ clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });
      case '/nacos/v1/console/namespaces':
        return json({
          code: 200,
          data: [
            { namespace: '', namespaceShowName: 'public' },
            { namespace: 'dev-id', namespaceShowName: 'dev' },
          ],
        });
      default:
        if (url.pathname.startsWith('/nacos/v1/ns/instance')) return void res.end('ok');
        res.writeHead(404).end('not found');
    }
  }
}
