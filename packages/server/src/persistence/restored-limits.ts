import type { NamingLimitName, Registry } from '@cairn/core';
import type { Logger } from 'pino';

/**
 * Stored instances and services are all restored at start, even beyond limits lowered since they were stored: a
 * limit refuses new entries, it never drops registered ones. Each limit the restored state exceeds is logged once,
 * so the operator knows why the next registration there is refused.
 */
export function warnRestoredBeyondLimits(registry: Pick<Registry, 'limits' | 'allServices' | 'instanceTotal'>, log: Pick<Logger, 'warn'>): void {
  const { limits } = registry;
  const fullServices: string[] = [];
  const servicesIn = new Map<string, number>();
  let largest = 0;
  for (const service of registry.allServices()) {
    servicesIn.set(service.namespace, (servicesIn.get(service.namespace) ?? 0) + 1);
    if (service.instances.size > limits.maxInstancesPerService) fullServices.push(`${service.namespace}/${service.group}@@${service.name}`);
    largest = Math.max(largest, service.instances.size);
  }
  const beyond = (limit: NamingLimitName, held: number, where: Record<string, unknown>) => {
    log.warn({ limit, max: limits[limit], held, ...where }, `restored beyond the limit '${limit}' (${limits[limit]}): everything stored was kept; new entries there are refused until it drops below`);
  };
  if (fullServices.length > 0) beyond('maxInstancesPerService', largest, { services: fullServices.slice(0, 20), servicesBeyond: fullServices.length });
  const crowded = [...servicesIn].filter(([, n]) => n > limits.maxServicesPerNamespace);
  if (crowded.length > 0) beyond('maxServicesPerNamespace', Math.max(...crowded.map(([, n]) => n)), { namespaces: crowded.map(([ns]) => ns) });
  if (registry.instanceTotal > limits.maxInstances) beyond('maxInstances', registry.instanceTotal, {});
}
