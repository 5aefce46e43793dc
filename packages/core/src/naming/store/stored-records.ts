import type { InstanceOverlay } from '../model.js';
import { instanceKey, type ServiceRef } from '../names.js';

/** Where a persistent instance lives: one address per service (the registry keys instances by ip:port). */
export interface InstanceAddress {
  namespace: string;
  group: string;
  service: string;
  ip: string;
  port: number;
}

/** Just the address of a stored row (a change key names the row by it, without the row's other fields). */
export function addressOf(a: InstanceAddress): InstanceAddress {
  return { namespace: a.namespace, group: a.group, service: a.service, ip: a.ip, port: a.port };
}

/** The service a stored address belongs to. */
export function serviceOfAddress(a: InstanceAddress): ServiceRef {
  return { namespace: a.namespace, group: a.group, name: a.service };
}

/** The registry's key (`instanceKey`) of a stored address. */
export function addressInstanceKey(a: InstanceAddress): string {
  return instanceKey(serviceOfAddress(a), a.ip, a.port);
}

/**
 * A persistent (ephemeral=false) instance as stored. It survives restarts with its last known health, so
 * probing resumes from where it was.
 */
export interface StoredInstance extends InstanceAddress {
  cluster: string;
  weight: number;
  enabled: boolean;
  healthy: boolean;
  metadata: Record<string, string>;
  instanceId: string;
  registeredAt: number;
  /** When `healthy` last flipped (or registeredAt): the "unhealthy since" of the diagnosis. */
  lastHealthChangeAt: number;
}

/** An operator overlay's key: overlays are per cluster, as the registry keeps them (`ip:port:cluster`). */
export interface OverlayAddress extends InstanceAddress {
  cluster: string;
}

/** An operator's change (enabled, weight, metadata) that outlives the instance; unset fields are not overridden. */
export interface StoredOverlay extends OverlayAddress, InstanceOverlay {}
