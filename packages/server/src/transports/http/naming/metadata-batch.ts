import { invalidParam, missingParam, overlayOf, validateIp, validatePort, type Origin, type ReadonlyInstance, type Registry, type ServiceRef } from '@cairn/core';
import type { Params } from '../params.js';

/** One entry of the `instances` parameter; a missing cluster matches any cluster. */
export interface InstanceSelector {
  ip: string;
  port: number;
  clusterName?: string;
}

export interface MetadataBatch {
  ref: ServiceRef;
  /** `persist` selects persistent instances, anything else ephemeral ones (Nacos's `consistencyType`). */
  ephemeral: boolean;
  /** Empty = every instance of that kind. */
  instances: InstanceSelector[];
  metadata: Record<string, string>;
}

/** Applies a batch; answers Nacos's `ip:port:unknown:cluster:ephemeral|persist` for each instance touched. */
export function applyMetadataBatch(registry: Registry, batch: MetadataBatch, mode: 'merge' | 'remove', origin: Origin): string[] {
  const service = registry.service(batch.ref);
  if (!service) return [];
  const targets = [...service.instances.values()].filter((i) => i.ephemeral === batch.ephemeral && selected(i, batch.instances));
  const updated: string[] = [];
  for (const instance of targets) {
    const current = overlayOf(service, instance)?.metadata ?? {};
    const metadata = mode === 'merge' ? { ...current, ...batch.metadata } : withoutKeys(current, Object.keys(batch.metadata));
    registry.patchInstance({ namespace: batch.ref.namespace, group: batch.ref.group, name: batch.ref.name, ip: instance.ip, port: instance.port, cluster: instance.cluster, metadata }, origin);
    updated.push(`${instance.ip}:${instance.port}:unknown:${instance.cluster}:${instance.ephemeral ? 'ephemeral' : 'persist'}`);
  }
  return updated;
}

/** The batch parameters around a service reference read the v1 or v2 way. */
export function batchOf(p: Params, ref: ServiceRef): MetadataBatch {
  const metadata = p.metadata();
  if (metadata === undefined) throw missingParam('metadata');
  return { ref, ephemeral: p.str('consistencyType') !== 'persist', instances: parseInstances(p.str('instances')), metadata };
}

/** The `instances` parameter: a JSON array of `{ip, port, clusterName}`. */
export function parseInstances(raw: string | undefined): InstanceSelector[] {
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParam('instances', `Param 'instances' must be a JSON array such as [{"ip":"10.0.0.1","port":8080}].`);
  }
  if (!Array.isArray(parsed)) throw invalidParam('instances', `Param 'instances' must be a JSON array.`);
  return parsed.map((item: unknown, n) => {
    if (item === null || typeof item !== 'object') throw invalidParam('instances', `Param 'instances' has an entry #${n} that is not an object.`);
    const { ip, port, clusterName } = item as Record<string, unknown>;
    if (typeof ip !== 'string') throw invalidParam('instances', `Param 'instances' has an entry #${n} without a string 'ip'.`);
    validateIp(ip, 'instances');
    const portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
    if (typeof portNumber !== 'number') throw invalidParam('instances', `Param 'instances' has an entry #${n} without a numeric 'port'.`);
    validatePort(portNumber, 'instances');
    if (clusterName !== undefined && clusterName !== null && typeof clusterName !== 'string') {
      throw invalidParam('instances', `Param 'instances' has an entry #${n} whose 'clusterName' is not a string.`);
    }
    return { ip, port: portNumber, clusterName: clusterName === '' || clusterName === null ? undefined : clusterName };
  });
}

function selected(instance: ReadonlyInstance, selectors: InstanceSelector[]): boolean {
  if (selectors.length === 0) return true;
  return selectors.some((s) => s.ip === instance.ip && s.port === instance.port && (s.clusterName === undefined || s.clusterName === instance.cluster));
}

function withoutKeys(metadata: Record<string, string>, keys: string[]): Record<string, string> {
  const out = { ...metadata };
  for (const key of keys) delete out[key];
  return out;
}
