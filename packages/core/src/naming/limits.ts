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
  /** Whether the server is short of memory now; undefined (core tests): never. */
  readonly memory?: MemoryPressure;
}

/** A heap figure the refusal quotes: bytes in use, the process's limit, and the share at which new entries stop. */
export interface HeapReading {
  readonly usedBytes: number;
  readonly limitBytes: number;
  readonly refusePercent: number;
}

/**
 * The server's view of its memory, asked before anything new is added. The server samples its heap (core has no
 * access to it); `pressure()` answers from the last sample, so asking costs nothing.
 */
export interface MemoryPressure {
  /** The reading while new entries are refused (`adding` of them are asked for); undefined while there is room. */
  pressure(adding?: number): HeapReading | undefined;
}

/** The refusal of a resource the server is short of (503): unlike a limit, it passes when memory is freed. */
export function overloaded(reading: HeapReading, what: string): DomainError {
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(0);
  const percent = ((reading.usedBytes / reading.limitBytes) * 100).toFixed(0);
  return new DomainError(
    'OVERLOADED',
    `Limit 'heap' reached: the server uses ${mb(reading.usedBytes)} MB of its ${mb(reading.limitBytes)} MB heap (${percent}%, refusing from ${reading.refusePercent}%), so ${what}. Instances already registered keep working; retry later or give the server more memory.`,
    { field: 'heap' },
  );
}

function checkMemory(held: HeldCounts, what: string, adding = 1): void {
  const reading = held.memory?.pressure(adding);
  if (reading) throw overloaded(reading, what);
}

/**
 * Refuses a registration that would add an instance (or create its service) beyond a limit. A registration of an
 * address the service already holds adds nothing and is never refused here.
 */
export function checkNewInstance(limits: NamingLimits, held: HeldCounts, ref: ServiceRef, ip: string, port: number, service: Service | undefined): void {
  if (service?.instances.has(addressKey(ip, port))) return;
  checkAdded(limits, held, ref, 1, service, `${ip}:${port} is not added`);
}

/**
 * Refuses a batch (gRPC BatchInstanceRequest) whose new addresses do not all fit, as a whole: a batch is the
 * connection's whole set in the service, so half of it applied would be a set the client never asked for.
 */
export function checkNewInstances(limits: NamingLimits, held: HeldCounts, ref: ServiceRef, addresses: readonly { ip: string; port: number }[], service: Service | undefined): void {
  const added = new Set(addresses.map((a) => addressKey(a.ip, a.port)).filter((key) => !service?.instances.has(key))).size;
  if (added > 0) checkAdded(limits, held, ref, added, service, `the batch's ${added} new instance${added === 1 ? '' : 's'} are not added`);
}

function checkAdded(limits: NamingLimits, held: HeldCounts, ref: ServiceRef, added: number, service: Service | undefined, what: string): void {
  checkMemory(held, what, added);
  if (!service) checkNewService(limits, held, ref);
  const inService = service?.instances.size ?? 0;
  if (inService + added > limits.maxInstancesPerService) {
    throw limitExceeded('maxInstancesPerService', limits.maxInstancesPerService, `service ${groupedName(ref.group, ref.name)} in namespace ${ref.namespace} holds ${inService} instances, so ${what}`);
  }
  if (held.instances + added > limits.maxInstances) {
    throw limitExceeded('maxInstances', limits.maxInstances, `the server holds ${held.instances} instances, so ${what}`);
  }
}

/** Refuses the creation of a service beyond the namespace's limit. */
export function checkNewService(limits: NamingLimits, held: HeldCounts, ref: ServiceRef): void {
  checkMemory(held, `service ${groupedName(ref.group, ref.name)} is not created`);
  const inNamespace = held.servicesIn(ref.namespace);
  if (inNamespace >= limits.maxServicesPerNamespace) {
    throw limitExceeded('maxServicesPerNamespace', limits.maxServicesPerNamespace, `namespace ${ref.namespace} holds ${inNamespace} services, so ${groupedName(ref.group, ref.name)} is not created`);
  }
}
