import type { ResolvedOptions } from '../../resolved-options.js';
import type { Registration, ServiceKey } from '../naming-transport.js';
import { CLIENT_VERSION, type ClientIdentity } from './grpc-channel.js';

export function namingIdentity(o: ResolvedOptions): ClientIdentity {
  return { clientVersion: CLIENT_VERSION, namespace: o.namespace, labels: { module: 'naming', source: 'sdk', AppName: o.appName } };
}

/** The fields naming requests share: where the service lives. */
export function serviceBody(key: Pick<ServiceKey, 'namespace' | 'group' | 'service'>): Record<string, unknown> {
  return { namespace: key.namespace, serviceName: key.service, groupName: key.group };
}

/** An InstanceRequest or PersistentInstanceRequest body. */
export function instanceBody(r: Registration, type: 'registerInstance' | 'deregisterInstance'): Record<string, unknown> {
  return { ...serviceBody(r), type, instance: instanceOf(r) };
}

/** The `instance` of an InstanceRequest, or one of a BatchInstanceRequest's `instances`. */
export function instanceOf(r: Registration): Record<string, unknown> {
  return { ip: r.ip, port: r.port, weight: r.weight, healthy: r.healthy, enabled: r.enabled, ephemeral: r.ephemeral, clusterName: r.clusterName, metadata: r.metadata };
}
