import { invalidParam, missingParam, type HealthChecker } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { serverStatusOf } from '../server-status.js';
import { DEFAULT_CHECKERS } from '../service-views.js';
import { clusterParam, serviceRefV1 } from '../wire-params.js';

const CHECKER_TYPES = ['TCP', 'HTTP', 'MYSQL', 'NONE'] as const;

/** `/v1/ns/health*`, `/v1/ns/cluster` and the console's liveness/readiness probes. */
export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  app.route({
    method: ['GET', 'POST'],
    url: '/v1/ns/health/server',
    handler: async (request) => ({
      msg: `Hello! I am Nacos-Naming and healthy! total services: ${registry.serviceCount}, local port:${request.socket.localPort}`,
    }),
  });

  // Manual marking, only for persistent instances in a cluster whose checker is NONE (core refuses otherwise).
  for (const url of ['/v1/ns/health', '/v1/ns/health/instance']) {
    app.put(url, async (request) => {
      const p = Params.from(request);
      const healthy = p.bool('healthy') ?? p.bool('valid');
      if (healthy === undefined) throw missingParam('healthy');
      const ref = serviceRefV1(p);
      registry.markHealth(
        {
          namespace: ref.namespace,
          group: ref.group,
          name: ref.name,
          ip: p.required('ip'),
          port: p.requiredInt('port'),
          cluster: clusterParam(p),
          healthy,
        },
        originOf(request, p.str('username')),
      );
      return 'ok';
    });
  }

  app.get('/v1/ns/health/checkers', async () => DEFAULT_CHECKERS);

  app.put('/v1/ns/cluster', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const cluster = p.required('clusterName');
    const checkPort = p.requiredInt('checkPort');
    const useInstancePortForCheck = p.bool('useInstancePort4Check');
    if (useInstancePortForCheck === undefined) throw missingParam('useInstancePort4Check');
    const json = p.jsonObject('healthChecker');
    if (!json) throw missingParam('healthChecker');
    registry.updateCluster(
      {
        namespace: ref.namespace,
        group: ref.group,
        name: ref.name,
        cluster,
        checkPort,
        useInstancePortForCheck,
        healthChecker: parseChecker(json),
        metadata: p.metadata(),
      },
      originOf(request, p.str('username')),
    );
    return 'ok';
  });

  app.get('/v1/console/health/liveness', async () => 'OK');
  // Ready only while the server status is UP (as in Nacos) and the store takes writes: a load balancer then sends
  // changes to a node that can make them durable.
  app.get('/v1/console/health/readiness', async (_request, reply) => {
    const status = serverStatusOf(ctx.switches);
    if (status !== 'UP') {
      return reply.code(500).type('text/plain; charset=utf-8').send(`naming not in readiness: server is ${status} (switch overriddenServerStatus)`);
    }
    const { failing, pending } = ctx.persistence.status;
    if (failing === null) return 'OK';
    return reply.code(503).type('text/plain; charset=utf-8').send(`storage failing: ${failing}; ${pending} change(s) waiting to be stored`);
  });
}

/** The `healthChecker` JSON: a known type and correctly typed fields; unknown fields are ignored as in Nacos. */
export function parseChecker(json: Record<string, unknown>): HealthChecker {
  const type = typeof json.type === 'string' ? json.type.toUpperCase() : undefined;
  if (!CHECKER_TYPES.includes(type as HealthChecker['type'])) {
    throw invalidParam('healthChecker', `Param 'healthChecker' must have type TCP, HTTP, MYSQL or NONE, got '${String(json.type)}'.`);
  }
  const checker: HealthChecker = { type: type as HealthChecker['type'] };
  for (const key of ['path', 'headers', 'user', 'pwd', 'cmd'] as const) {
    const value = json[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw invalidParam('healthChecker', `Param 'healthChecker' has a '${key}' that is not a string.`);
    checker[key] = value;
  }
  const code = json.expectedResponseCode;
  if (code !== undefined && code !== null) {
    const n = Number(code);
    if (!Number.isInteger(n) || n < 100 || n > 599) {
      throw invalidParam('healthChecker', `Param 'healthChecker' has an 'expectedResponseCode' that is not an HTTP status.`);
    }
    checker.expectedResponseCode = n;
  }
  return checker;
}
