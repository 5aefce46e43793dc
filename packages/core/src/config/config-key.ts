import { DEFAULT_NAMESPACE } from '../shared/namespaces.js';

/**
 * A config's identity. `namespace` is the namespace id as naming uses it: the default namespace is `public` inside
 * Cairn, so config and naming address the same namespace. Nacos 2.x config calls it `tenant` and spells the
 * default `""`; `tenantToNamespace` and `namespaceToTenant` map at the wire, nowhere else.
 */
export interface ConfigKey {
  readonly namespace: string;
  readonly group: string;
  readonly dataId: string;
}

/** Nacos 2.x: a blank tenant, `public` and `null` (any case) all mean the default namespace. */
export function tenantToNamespace(tenant: string | undefined): string {
  const t = (tenant ?? '').trim();
  if (t === '' || t.toLowerCase() === 'public' || t.toLowerCase() === 'null') return DEFAULT_NAMESPACE;
  return t;
}

/** The wire's `tenant` for a namespace: `""` for the default one, as Nacos 2.x answers. */
export function namespaceToTenant(namespace: string): string {
  return namespace === DEFAULT_NAMESPACE ? '' : namespace;
}

/** The one map key of a config (dataId and group cannot hold 0x02, so the key is unambiguous). */
export function configKeyString(key: ConfigKey): string {
  return `${key.namespace}\u0002${key.group}\u0002${key.dataId}`;
}
