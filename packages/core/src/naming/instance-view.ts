import type { ReadonlyInstance, ReadonlyService } from './readonly-model.js';
import type { InstanceOverlay, InstanceView, ServiceQueryResult } from './model.js';
import { groupedName, instanceIdOf } from './names.js';
import { reachesProtectThreshold } from './protect-threshold.js';

export function overlayKey(ip: string, port: number, cluster: string): string {
  return `${ip}:${port}:${cluster}`;
}

export function overlayOf(service: ReadonlyService, instance: ReadonlyInstance): InstanceOverlay | undefined {
  return service.overlays.size === 0 ? undefined : service.overlays.get(overlayKey(instance.ip, instance.port, instance.cluster));
}

/** Effective enabled flag: an operator's overlay wins over what the client registered. */
export function isEnabled(service: ReadonlyService, instance: ReadonlyInstance): boolean {
  return overlayOf(service, instance)?.enabled ?? instance.enabled;
}

export function toView(service: ReadonlyService, instance: ReadonlyInstance, forceHealthy = false): InstanceView {
  const overlay = overlayOf(service, instance);
  return {
    instanceId: instanceIdOf(service, instance),
    ip: instance.ip,
    port: instance.port,
    weight: overlay?.weight ?? instance.weight,
    healthy: forceHealthy || instance.healthy,
    enabled: overlay?.enabled ?? instance.enabled,
    ephemeral: instance.ephemeral,
    clusterName: instance.cluster,
    serviceName: groupedName(service.group, service.name),
    metadata: overlay?.metadata ? { ...instance.metadata, ...overlay.metadata } : instance.metadata,
    instanceHeartBeatInterval: instance.timing.intervalMs,
    instanceHeartBeatTimeOut: instance.timing.timeoutMs,
    ipDeleteTimeout: instance.timing.deleteTimeoutMs,
    instanceIdGenerator: 'simple',
  };
}

export interface InstanceQuery {
  /** Empty = all clusters. */
  clusters: string[];
  healthyOnly: boolean;
}

/**
 * What consumers see: enabled instances of the asked clusters; with the protect threshold reached, all of them
 * reported healthy and the answer says so. The share is computed before `healthyOnly` filtering (Nacos computes
 * it after, so with healthyOnly=true its threshold can never trip below 1).
 */
export function queryService(service: ReadonlyService | undefined, query: InstanceQuery): ServiceQueryResult {
  if (!service) return { exists: false, hosts: [], reachProtectionThreshold: false, revision: 0 };
  const usable: ReadonlyInstance[] = [];
  let healthy = 0;
  for (const instance of service.instances.values()) {
    if (query.clusters.length > 0 && !query.clusters.includes(instance.cluster)) continue;
    if (!isEnabled(service, instance)) continue;
    usable.push(instance);
    if (instance.healthy) healthy++;
  }
  const reached = reachesProtectThreshold(service.protectThreshold, healthy, usable.length);
  const selected = reached || !query.healthyOnly ? usable : usable.filter((i) => i.healthy);
  return {
    exists: true,
    hosts: selected.map((i) => toView(service, i, reached)),
    reachProtectionThreshold: reached,
    revision: service.revision,
  };
}

/** Healthy and total counts over enabled instances, for the threshold state kept on the service. */
export function healthCounts(service: ReadonlyService): { healthy: number; total: number } {
  let healthy = 0;
  let total = 0;
  for (const instance of service.instances.values()) {
    if (!isEnabled(service, instance)) continue;
    total++;
    if (instance.healthy) healthy++;
  }
  return { healthy, total };
}
