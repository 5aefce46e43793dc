import http from 'node:http';
import { RawConnection } from './raw-http.mjs';

/**
 * Keep-alive HTTP/1.1 to one server on 127.0.0.1 through at most `maxSockets` connections. `client: 'raw'`
 * (the default) writes requests straight to sockets (see raw-http.mjs); `client: 'http'` uses node:http with a
 * keep-alive Agent, kept to cross-check that the raw client does not flatter the figures.
 */
export class Target {
  constructor(port, maxSockets, client = process.env.BENCH_CLIENT ?? 'raw') {
    if (client !== 'raw' && client !== 'http') throw new Error(`BENCH_CLIENT must be raw or http, got '${client}'`);
    this.port = port;
    this.client = client;
    this.maxSockets = maxSockets;
    this.idle = [];
    this.opened = 0;
    this.waiting = [];
    if (client === 'http') this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
  }

  /**
   * Resolves to { status, body, bytes } (body only when `wantBody`); rejects on socket errors or after `timeoutMs`.
   * `headers` are extra header lines for the raw client (`Name: value\r\n` each).
   */
  async request(method, path, wantBody = false, timeoutMs = 10_000, headers = '') {
    if (this.agent) return this.viaNodeHttp(method, path, wantBody, timeoutMs, headers);
    // biome-ignore lint/complexity/noCommaOperator: the socket is counted in the same expression that opens it
    const conn = this.idle.pop() ?? (this.opened < this.maxSockets ? (this.opened++, new RawConnection(this.port)) : await new Promise((resolve) => this.waiting.push(resolve)));
    try {
      return await conn.request(method, path, wantBody, timeoutMs, headers);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
    }
  }

  viaNodeHttp(method, path, wantBody, timeoutMs, headers = '') {
    const extra = Object.fromEntries(
      headers
        .split('\r\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers: { ...extra, 'content-length': 0 } }, (res) => {
        let body = '';
        let bytes = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (wantBody) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body, bytes }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path.slice(0, 60)}`)));
      req.on('error', reject);
      req.end();
    });
  }

  close() {
    for (const conn of this.idle) conn.close();
    this.idle = [];
    this.agent?.destroy();
  }
}
