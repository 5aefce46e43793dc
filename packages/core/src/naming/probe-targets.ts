import { invalidParam } from '../shared/errors.js';
import type { ClusterSettings, Service } from './model.js';

/**
 * The operator's limit on what the server probes (`--probe-targets`): says why a probe of `ip:port` is not allowed,
 * or undefined when it is. Health checks connect wherever a persistent instance says it lives, so without a limit
 * anyone allowed to register one could make the server scan a network it can reach.
 */
export type ProbeTargetCheck = (ip: string, port: number) => string | undefined;

/** No limit: every address may be probed (the default). */
export const ANY_PROBE_TARGET: ProbeTargetCheck = () => undefined;

/**
 * The address the server probes for an instance at `ip:port` in a cluster with these settings (a cluster without
 * settings means TCP on the instance port); undefined when the cluster's checker is `NONE` (nothing is probed).
 */
export function probeAddress(cluster: Pick<ClusterSettings, 'healthChecker' | 'checkPort' | 'useInstancePortForCheck'> | undefined, ip: string, port: number): { ip: string; port: number } | undefined {
  if (cluster?.healthChecker.type === 'NONE') return undefined;
  return { ip, port: !cluster || cluster.useInstancePortForCheck ? port : cluster.checkPort };
}

/** Refuses (INVALID_PARAM naming `field`) a persistent instance whose probes the operator's limit does not allow. */
export function checkProbeTarget(check: ProbeTargetCheck, cluster: Parameters<typeof probeAddress>[0], ip: string, port: number, field: string): void {
  const address = probeAddress(cluster, ip, port);
  const why = address && check(address.ip, address.port);
  if (why === undefined || why === '') return;
  const host = address!.ip.includes(':') ? `[${address!.ip}]` : address!.ip;
  throw invalidParam(field, `Param '${field}': the server would health-check persistent instance ${ip}:${port} at ${host}:${address!.port}, but ${why}.`);
}

/** Refuses a cluster health-check change that would probe one of the service's persistent instances outside the limit. */
export function checkClusterProbes(check: ProbeTargetCheck, service: Service, settings: Pick<ClusterSettings, 'name' | 'healthChecker' | 'checkPort' | 'useInstancePortForCheck'>): void {
  const field = settings.useInstancePortForCheck ? 'healthChecker' : 'checkPort';
  for (const instance of service.instances.values()) {
    if (!instance.ephemeral && instance.cluster === settings.name) checkProbeTarget(check, settings, instance.ip, instance.port, field);
  }
}
