import { serviceNotFound } from './naming-errors.js';
import { DomainError } from '../shared/errors.js';
import type { ClusterDefinition, ServiceDefinition } from './commands.js';
import type { Origin, Service } from './model.js';
import { groupedName, type ServiceRef } from './names.js';
import { ANY_PROBE_TARGET, checkClusterProbes, type ProbeTargetCheck } from './probe-targets.js';
import { validateRef } from './registration-rules.js';
import type { ServiceTable } from './service-table.js';
import { validateCluster, validateMetadata, validatePort, validateProtectThreshold } from './validation.js';

/** Service definitions (threshold, metadata, selector, clusters): what an operator sets, apart from instances. */
export function createService(services: ServiceTable, ref: ServiceRef, def: ServiceDefinition, origin: Origin): Service {
  validateRef(ref);
  if (def.protectThreshold !== undefined) validateProtectThreshold(def.protectThreshold);
  if (def.metadata) validateMetadata(def.metadata);
  if (services.get(ref)) {
    throw new DomainError('SERVICE_ALREADY_EXISTS', `specified service ${groupedName(ref.group, ref.name)} already exists!`);
  }
  const service = services.create(ref, true);
  Object.assign(service, stripUndefined({ protectThreshold: def.protectThreshold, metadata: def.metadata, selector: def.selector, kind: def.kind }));
  services.recordService('SERVICE_CREATED', service, { by: origin.ip, via: origin.via, ...verifiedUser(origin) });
  services.changed(service);
  return service;
}

export function updateService(services: ServiceTable, service: Service, def: ServiceDefinition, origin: Origin): Service {
  if (def.protectThreshold !== undefined) validateProtectThreshold(def.protectThreshold);
  if (def.metadata) validateMetadata(def.metadata);
  Object.assign(service, stripUndefined({ protectThreshold: def.protectThreshold, metadata: def.metadata, selector: def.selector }));
  service.explicit = true;
  services.recordService('SERVICE_UPDATED', service, { by: origin.ip, via: origin.via, ...verifiedUser(origin), protectThreshold: service.protectThreshold });
  services.changed(service);
  return service;
}

export function deleteService(services: ServiceTable, ref: ServiceRef, origin: Origin): void {
  const service = services.get(ref);
  if (!service) throw serviceNotFound(ref);
  if (service.instances.size > 0) {
    throw new DomainError('SERVICE_NOT_EMPTY', `Service ${groupedName(ref.group, ref.name)} is not empty, can't be delete. Please unregister instance first`);
  }
  services.remove(service, 'SERVICE_REMOVED', { by: origin.ip, via: origin.via, ...verifiedUser(origin) });
}

export function updateCluster(services: ServiceTable, def: ClusterDefinition, origin: Origin, probeTargets: ProbeTargetCheck = ANY_PROBE_TARGET): void {
  const service = services.get(def);
  if (!service) throw serviceNotFound(def);
  validateCluster(def.cluster);
  validatePort(def.checkPort === 0 ? 1 : def.checkPort, 'checkPort');
  const settings = {
    name: def.cluster,
    healthChecker: def.healthChecker,
    checkPort: def.checkPort,
    useInstancePortForCheck: def.useInstancePortForCheck,
    metadata: def.metadata ?? {},
  };
  checkClusterProbes(probeTargets, service, settings);
  service.clusters.set(def.cluster, settings);
  service.explicit = true;
  services.recordService('SERVICE_UPDATED', service, { by: origin.ip, via: origin.via, ...verifiedUser(origin), cluster: def.cluster, checker: def.healthChecker.type });
  services.changed(service);
}

/** The verified user of a request as evidence: `{ user }`, or nothing when the request was not authenticated. */
export function verifiedUser(who: { readonly user?: string }): { user?: string } {
  return who.user === undefined ? {} : { user: who.user };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
