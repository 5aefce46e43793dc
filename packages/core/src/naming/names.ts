import { invalidParam } from '../shared/errors.js';

export { DEFAULT_NAMESPACE } from '../shared/namespaces.js';
export const DEFAULT_GROUP = 'DEFAULT_GROUP';
export const DEFAULT_CLUSTER = 'DEFAULT';
export const GROUP_SEPARATOR = '@@';

/** Identifies a service: namespace > group > name. */
export interface ServiceRef {
  namespace: string;
  group: string;
  name: string;
}

export function serviceKey(ref: ServiceRef): string {
  return `${ref.namespace}##${ref.group}${GROUP_SEPARATOR}${ref.name}`;
}

export function groupedName(group: string, name: string): string {
  return `${group}${GROUP_SEPARATOR}${name}`;
}

/**
 * Splits `group@@name` (the v1 wire form). A name without `@@` takes `fallbackGroup`; when it carries
 * `@@`, the embedded group wins, as Nacos's v1 filter does.
 */
export function splitGroupedName(raw: string, fallbackGroup: string): { group: string; name: string } {
  const at = raw.indexOf(GROUP_SEPARATOR);
  if (at < 0) return { group: fallbackGroup, name: raw };
  const group = raw.slice(0, at);
  const name = raw.slice(at + GROUP_SEPARATOR.length);
  if (group === '' || name === '' || name.includes(GROUP_SEPARATOR)) {
    throw invalidParam('serviceName', `Param 'serviceName' is illegal: '${raw}' must be 'group@@service' or 'service'.`);
  }
  return { group, name };
}

/** The key of one address in one service: `namespace##group@@name#ip:port`. */
export function instanceKey(ref: ServiceRef, ip: string, port: number): string {
  return `${serviceKey(ref)}#${addressKey(ip, port)}`;
}

/** Nacos's instance id, `ip#port#cluster#group@@name`, built when read rather than kept per instance. */
export function instanceIdOf(ref: Pick<ServiceRef, 'group' | 'name'>, instance: { readonly ip: string; readonly port: number; readonly cluster: string; readonly instanceId?: string }): string {
  return instance.instanceId ?? `${instance.ip}#${instance.port}#${instance.cluster}#${groupedName(ref.group, ref.name)}`;
}

/** `ip:port`: one client address publishes at most one instance per service (Nacos 2.x rule). */
export function addressKey(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/**
 * The same key as `addressKey`, as one flat string: for a key the registry keeps (a template literal makes a
 * two-part string that stays two parts in memory); lookups use `addressKey`, which is cheaper to build.
 */
export function keptAddressKey(ip: string, port: number): string {
  return [ip, port].join(':');
}
