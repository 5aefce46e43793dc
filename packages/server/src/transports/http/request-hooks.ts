import type { FastifyInstance, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { Metrics } from '../../metrics/metrics.js';

/** A persistence that numbers its changes and says when one is durable (naming's and config's). */
export interface DurableChanges {
  readonly lastChange: number;
  durable(upTo: number, timeoutMs: number): Promise<void>;
}

// Each persistence's change number when the handler started; a request that made no durable change answers at once.
const changeAtStart = Symbol('changeAtStart');
type Tracked = FastifyRequest & { [changeAtStart]?: number[] };

/**
 * Hooks every request passes: latency metrics, and holding the answer of a request that changed stored data
 * until its change is durable. The change is attributed by comparing the persistence change number before and
 * after the handler: handlers run their core command synchronously, so no other request's change falls in
 * between. A beat or a list changes nothing stored and never waits; a change the store has not taken within
 * `storeWaitMs` is answered 503 (never 200), whatever else shared its write.
 */
export function installRequestHooks(app: FastifyInstance, metrics: Metrics, persistences: readonly DurableChanges[], storeWaitMs: number): void {
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
  // Only routes that can change stored data get the two hooks: a GET (a list, a detail) pays nothing for them.
  const trackStart: preHandlerHookHandler = (request, _reply, done) => {
    (request as Tracked)[changeAtStart] = persistences.map((p) => p.lastChange);
    done();
  };
  const holdUntilDurable: onSendHookHandler = (request, reply, payload, done) => {
    const before = (request as Tracked)[changeAtStart];
    const waits: Promise<void>[] = [];
    if (before) {
      persistences.forEach((p, i) => {
        if (p.lastChange !== before[i]) waits.push(p.durable(p.lastChange, storeWaitMs));
      });
    }
    if (waits.length === 0) {
      done(null, payload);
      return;
    }
    Promise.all(waits).then(
      () => done(null, payload),
      (error: Error) => {
        void reply.code(503).type('text/plain; charset=utf-8');
        done(null, `storage unavailable: the change is not durable yet (${error.message}); retry the request`);
      },
    );
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    // A route that declares it changes nothing stored (a long poll) must not wait for others' changes.
    if ((route.config as { readOnly?: boolean } | undefined)?.readOnly) return;
    route.preHandler = [trackStart, ...asArray(route.preHandler)];
    route.onSend = [...asArray(route.onSend), holdUntilDurable];
  });
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
