import { DomainError } from '../shared/errors.js';
import type { Service } from './model.js';
import { addressKey, groupedName, type ServiceRef } from './names.js';

/**
 * How much the registry holds at most. Each bound keeps one client's mistake (or a flood) from growing the heap until
 * the process dies and takes every ephemeral instance with it; beyond a bound a new instance or service is refused
 * with LIMIT_EXCEEDED naming the limit, while what is already registered keeps beating.
 */
export interface NamingLimits {
  /** Instances one service holds at most. */
  readonly maxInstancesPerService: number;
  /** Services one namespace holds at most. */
  readonly maxServicesPerNamespace: number;
  /** Instances the whole registry holds at most. */
  readonly maxInstances: number;
}

export type NamingLimitName = keyof NamingLimits;

/** No bound: what a Registry built without limits (core tests) uses; the server passes its own. */
export const UNLIMITED: NamingLimits = Object.freeze({
  maxInstancesPerService: Number.MAX_SAFE_INTEGER,
  maxServicesPerNamespace: Number.MAX_SAFE_INTEGER,
  maxInstances: Number.MAX_SAFE_INTEGER,
});

/** The refusal of a limit: the field is the limit's name, so a client and the journal can tell which one. */
export function limitExceeded(limit: string, max: number, what: string): DomainError {
  return new DomainError('LIMIT_EXCEEDED', `Limit '${limit}' (${max}) reached: ${what}. Remove unused entries or raise the limit.`, { field: limit });
}

/** The counts a check needs, kept by the registry so a check costs O(1). */
export interface HeldCounts {
  readonly instances: number;
  servicesIn(namespace: string): number;
}

/**
 * Refuses a registration that would add an instance (or create its service) beyond a limit. A registration of an
 * address the service already holds adds nothing and is never refused here.
 */
export function checkNewInstance(limits: NamingLimits, held: HeldCounts, ref: ServiceRef, ip: string, port: number, service: Service | undefined): void {
  if (service?.instances.has(addressKey(ip, port))) return;
  if (!service) checkNewService(limits, held, ref);
  const inService = service?.instances.size ?? 0;
  if (inService >= limits.maxInstancesPerService) {
    throw limitExceeded('maxInstancesPerService', limits.maxInstancesPerService, `service ${groupedName(ref.group, ref.name)} in namespace ${ref.namespace} holds ${inService} instances, so ${ip}:${port} is not added`);
  }
  if (held.instances >= limits.maxInstances) {
    throw limitExceeded('maxInstances', limits.maxInstances, `the server holds ${held.instances} instances, so ${ip}:${port} is not added`);
  }
}

/** Refuses the creation of a service beyond the namespace's limit. */
export function checkNewService(limits: NamingLimits, held: HeldCounts, ref: ServiceRef): void {
  const inNamespace = held.servicesIn(ref.namespace);
  if (inNamespace >= limits.maxServicesPerNamespace) {
    throw limitExceeded('maxServicesPerNamespace', limits.maxServicesPerNamespace, `namespace ${ref.namespace} holds ${inNamespace} services, so ${groupedName(ref.group, ref.name)} is not created`);
  }
}
