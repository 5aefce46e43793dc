import { DomainError } from '../shared/errors.js';
import { groupedName, type ServiceRef } from './names.js';

/** The one SERVICE_NOT_FOUND: Nacos's wording, with the namespace, which Nacos leaves out and users need. */
export function serviceNotFound(ref: ServiceRef): DomainError {
  return new DomainError('SERVICE_NOT_FOUND', `service ${groupedName(ref.group, ref.name)} is not found! (namespace ${ref.namespace})`, { field: 'serviceName' });
}

/** The one INSTANCE_NOT_FOUND: Nacos's "no matched ip found!" with the address, cluster and service. */
export function instanceNotFound(ref: ServiceRef, ip: string, port: number, cluster: string): DomainError {
  return new DomainError('INSTANCE_NOT_FOUND', `no matched ip found! ${ip}:${port} in cluster ${cluster} of service ${groupedName(ref.group, ref.name)} (namespace ${ref.namespace})`);
}
