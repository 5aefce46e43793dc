import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';
import type { NamingPersistence } from '../persistence/naming-persistence.js';

/**
 * Hooks every request passes: latency metrics, and holding a change's answer until its writes are durable.
 * Both sit on the beat and list hot paths, so they are callback-style and skip all work when there is none.
 */
export function installRequestHooks(app: FastifyInstance, metrics: Metrics, persistence: NamingPersistence): void {
  const timers = new Map<string, ReturnType<Metrics['requestDuration']['labels']>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let timer = timers.get(key);
    if (!timer) {
      timer = metrics.requestDuration.labels({ method: request.method, route, status: reply.statusCode });
      if (timers.size < 2000) timers.set(key, timer);
    }
    timer.observe(reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || persistence.idle) {
      done(null, payload);
      return;
    }
    persistence.flushed().then(() => done(null, payload), () => {
      void reply.code(503).type('text/plain; charset=utf-8');
      done(null, 'storage write failed; the change may not be durable (see the server log)');
    });
  });
}
