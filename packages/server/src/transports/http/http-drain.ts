import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

const DRAIN_TICK_MS = 50;

/** A connection the shutdown deadline cut: its peer, and whether a request was in flight on it. */
export interface CutConnection {
  peer: string;
  state: 'request in flight' | 'idle or receiving a request';
}

interface Tracked {
  /** The latest request's answer on this connection (HTTP/1.1 answers a connection's requests in order). */
  res: ServerResponse | undefined;
  /** When the drain first saw it with nothing in flight (undefined while busy or before the drain). */
  idleSince: number | undefined;
}

/** In flight: its latest request is not answered yet. */
function busy(tracked: Tracked): boolean {
  return tracked.res !== undefined && !tracked.res.writableFinished;
}

/**
 * The HTTP side of a shutdown. Every connection is tracked; `drain` stops accepting new ones, answers every request
 * that still arrives 503 with `Connection: close` (clients move on instead of seeing a reset), lets requests in
 * flight finish, closes connections silent for `quietMs` (a tenth of the shutdown timeout, at most 1 s), and at the deadline cuts whatever is left.
 */
export class HttpDrain {
  private readonly sockets = new Map<Socket, Tracked>();
  private draining = false;

  constructor(
    private readonly app: FastifyInstance,
    private readonly quietMs: number,
  ) {
    const server = app.server;
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { res: undefined, idleSince: undefined });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // No listener per request (this runs on every beat): the latest answer is kept and looked at when draining.
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const tracked = this.sockets.get(req.socket);
      if (!tracked) return;
      tracked.res = res;
      tracked.idleSince = undefined;
    });
    // First of all hooks: during a drain nothing else runs for a request.
    app.addHook('onRequest', (_request, reply, done) => {
      if (!this.draining) return done();
      void reply.code(503).header('connection', 'close').type('text/plain; charset=utf-8').send('server is shutting down');
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Drains until every connection has closed or `deadline` (epoch ms) passes; resolves to the connections cut. */
  async drain(deadline: number): Promise<CutConnection[]> {
    this.draining = true;
    // net's close stops accepting without closing idle keep-alive connections (http's close would reset them).
    if (this.app.server.listening) NetServer.prototype.close.call(this.app.server);
    while (this.sockets.size > 0 && Date.now() < deadline) {
      const now = Date.now();
      for (const [socket, tracked] of this.sockets) {
        // Quiet for quietMs as the drain saw it: a client that just got an answer may be sending its next request.
        if (busy(tracked)) tracked.idleSince = undefined;
        else if (tracked.idleSince === undefined) tracked.idleSince = now;
        else if (now - tracked.idleSince >= this.quietMs) socket.end();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(DRAIN_TICK_MS, deadline - now))));
    }
    const cut: CutConnection[] = [];
    for (const [socket, tracked] of this.sockets) {
      cut.push({ peer: `${socket.remoteAddress}:${socket.remotePort}`, state: busy(tracked) ? 'request in flight' : 'idle or receiving a request' });
      socket.destroy();
    }
    return cut;
  }
}
