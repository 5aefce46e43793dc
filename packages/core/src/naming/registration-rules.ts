import { DomainError, invalidParam } from '../shared/errors.js';
import type { RegisterInstance } from './commands.js';
import type { InstanceTiming } from './lifecycle-settings.js';
import type { Service } from './model.js';
import { groupedName, type ServiceRef } from './names.js';
import { validateGroup, validateIp, validateMetadata, validateNamespaceId, validatePort, validateRegistrationCluster, validateServiceName, validateWeight } from './validation.js';

export function validateRef(ref: ServiceRef): void {
  validateNamespaceId(ref.namespace);
  validateGroup(ref.group);
  validateServiceName(ref.name);
}

/** Everything a registration (or a re-creation from a beat) must satisfy; throws the first DomainError. */
export function checkRegistration(cmd: RegisterInstance, timing: InstanceTiming, service: Service | undefined): void {
  validateRef(cmd);
  validateIp(cmd.ip);
  validatePort(cmd.port);
  validateRegistrationCluster(cmd.cluster);
  validateWeight(cmd.weight);
  validateMetadata(cmd.metadata);
  if (timing.timeoutMs < timing.intervalMs || timing.deleteTimeoutMs < timing.intervalMs) {
    throw invalidParam('metadata', `Param 'metadata': heart beat timeout (${timing.timeoutMs} ms) and ip delete timeout (${timing.deleteTimeoutMs} ms) must each be at least the heart beat interval (${timing.intervalMs} ms).`);
  }
  checkKind(service, cmd);
}

/**
 * A service holds one kind of instance, fixed by its first one: mixing them would give the same address two
 * lives (one kept by beats, one stored), which Nacos shows as ghost duplicates.
 */
function checkKind(service: Service | undefined, cmd: RegisterInstance): void {
  if (!service?.kind || (service.kind === 'ephemeral') === cmd.ephemeral) return;
  const wanted = cmd.ephemeral ? 'ephemeral' : 'persistent';
  const reason = `a service's kind is fixed by its first instance or at its creation; it holds ${service.instances.size} ${service.kind} instance(s) now`;
  throw new DomainError(
    'SERVICE_KIND_MISMATCH',
    `Current service ${groupedName(service.group, service.name)} in namespace ${service.namespace} is ${service.kind === 'ephemeral' ? 'an' : 'a'} ${service.kind} service (${reason}), `
      + `so it can't register ${wanted} instance ${cmd.ip}:${cmd.port}: register with ephemeral=${service.kind === 'ephemeral'}, use another service name, `
      + `or remove the ${service.kind} instances first.`,
    { field: 'ephemeral' },
  );
}
