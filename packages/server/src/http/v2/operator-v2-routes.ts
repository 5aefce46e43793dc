import type { FastifyInstance } from 'fastify';
import os from 'node:os';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { v2Ok } from '../reply-errors.js';
import { deriveClients } from './http-clients.js';

/**
 * `/v2/ns/operator/metrics` (alias `/v2/ns/ops/metrics`). Java clients take `status == "UP"` as a healthy server.
 * TODO: `/v2/ns/operator/switches` once the v1 switches route exists (it should answer the same object).
 */
export function operatorV2Routes(app: FastifyInstance, ctx: AppContext): void {
  for (const prefix of ['/v2/ns/operator', '/v2/ns/ops']) {
    app.get(`${prefix}/metrics`, async (request) => {
      const p = Params.from(request);
      if (p.bool('onlyStatus', true)) return v2Ok({ status: 'UP' });
      return v2Ok({ status: 'UP', ...namingCounts(ctx), ...machineLoad() });
    });
  }
}

function namingCounts(ctx: AppContext): Record<string, number> {
  let instanceCount = 0;
  for (const service of ctx.registry.services.all()) instanceCount += service.instances.size;
  let ephemeral = 0;
  let persistent = 0;
  for (const client of deriveClients(ctx.registry, ctx.push).values()) {
    if (client.ephemeral) ephemeral++;
    else persistent++;
  }
  return {
    serviceCount: ctx.registry.services.size, instanceCount, subscribeCount: ctx.push.subscriberCount,
    clientCount: ephemeral + persistent,
    // No gRPC connections yet; one node is responsible for every client.
    connectionBasedClientCount: 0, ephemeralIpPortClientCount: ephemeral, persistentIpPortClientCount: persistent,
    responsibleClientCount: ephemeral + persistent,
  };
}

/**
 * Nacos's `cpu` (process CPU share), `load` (1-minute system load) and `mem` (share of memory in use), as
 * fractions. The CPU share here is averaged since the process started, which needs no sampling timer.
 */
function machineLoad(): { cpu: number; load: number; mem: number } {
  const usage = process.cpuUsage();
  const elapsedMicros = process.uptime() * 1e6 * Math.max(1, os.availableParallelism());
  return {
    cpu: round((usage.user + usage.system) / elapsedMicros),
    load: round(os.loadavg()[0]),
    mem: round(1 - os.freemem() / os.totalmem()),
  };
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
