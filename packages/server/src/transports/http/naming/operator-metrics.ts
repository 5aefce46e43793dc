import { machineLoad } from '../../../metrics/machine-load.js';
import type { AppContext } from '../context.js';
import { serverStatusOf } from './server-status.js';
import { deriveClients } from './naming-clients.js';

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
  let connections = 0;
  for (const client of deriveClients(ctx).values()) {
    if (client.clientType === 'connection') connections++;
    else if (client.ephemeral) ephemeral++;
    else persistent++;
  }
  return {
    serviceCount: ctx.registry.serviceCount,
    instanceCount,
    responsibleInstanceCount: instanceCount,
    subscribeCount: ctx.push.subscriberCount + ctx.grpcSubscriptions.subscriberCount,
    clientCount: connections + ephemeral + persistent,
    connectionBasedClientCount: connections,
    ephemeralIpPortClientCount: ephemeral,
    persistentIpPortClientCount: persistent,
    // One node is responsible for every client.
    responsibleClientCount: connections + ephemeral + persistent,
  };
}
