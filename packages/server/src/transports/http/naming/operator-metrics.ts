import os from 'node:os';
import type { AppContext } from '../context.js';
import { serverStatusOf } from './server-status.js';
import { deriveClients } from './v2/http-clients.js';

/** The answer of `/operator/metrics` (`onlyStatus` true, the default), v1 and v2: the server status. */
export function operatorStatus(ctx: AppContext): { status: string } {
  return { status: serverStatusOf(ctx.switches) };
}

/** The full answer of `/operator/metrics?onlyStatus=false`, the same for v1 and v2. */
export function operatorMetrics(ctx: AppContext): Record<string, unknown> {
  return { ...operatorStatus(ctx), ...namingCounts(ctx), ...machineLoad() };
}

function namingCounts(ctx: AppContext): Record<string, number> {
  let instanceCount = 0;
  for (const service of ctx.registry.allServices()) instanceCount += service.instances.size;
  let ephemeral = 0;
  let persistent = 0;
  for (const client of deriveClients(ctx.registry, ctx.push).values()) {
    if (client.ephemeral) ephemeral++;
    else persistent++;
  }
  return {
    serviceCount: ctx.registry.serviceCount,
    instanceCount,
    responsibleInstanceCount: instanceCount,
    subscribeCount: ctx.push.subscriberCount,
    clientCount: ephemeral + persistent,
    // No gRPC connections yet; one node is responsible for every client.
    connectionBasedClientCount: 0,
    ephemeralIpPortClientCount: ephemeral,
    persistentIpPortClientCount: persistent,
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
