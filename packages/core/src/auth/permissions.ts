/**
 * Who may do what, as Nacos's default auth plugin decides it, as a pure step: a request names a resource
 * (`<namespace>:<group>:naming/<service>`, `…:config/<dataId>`, or a console resource such as `console/users`)
 * and an action; a user's roles carry grants of resource patterns and actions.
 *
 * One deliberate difference: Nacos turns a stored pattern into a regular expression by replacing `*` with `.*` and
 * leaves every other character a regex character, so a grant on `app.yaml` also matches `app-yaml`, and a grant with
 * `(` fails to compile. Here `*` is the only wildcard and everything else matches itself.
 */

/** Nacos's global administrator role: passes every check. */
export const ADMIN_ROLE = 'ROLE_ADMIN';

export type Action = 'r' | 'w';

/** A stored permission row: `action` is `r`, `w` or `rw`. */
export interface Grant {
  role: string;
  resource: string;
  action: string;
}

/** What a request touches. A blank namespace is `public`, which Nacos's resource strings leave empty. */
export type Resource = { kind: 'naming' | 'config'; namespace: string; group: string; name: string } | { kind: 'console'; name: string };

/**
 * The resource string Nacos checks grants against.
 *
 * @example
 *   resourceString({ kind: 'naming', namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' }) // ':DEFAULT_GROUP:naming/orders'
 */
export function resourceString(r: Resource): string {
  if (r.kind === 'console') return `console/${r.name}`;
  const namespace = r.namespace === 'public' ? '' : r.namespace;
  return `${namespace}:${r.group || '*'}:${r.kind}/${r.name || '*'}`;
}

/** Whether a stored resource pattern covers a resource string: `*` spans any characters, the rest is literal. */
export function patternCovers(pattern: string, resource: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === resource;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!resource.startsWith(first) || resource.length < first.length + last.length || !resource.endsWith(last)) return false;
  let at = first.length;
  const end = resource.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = resource.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

export type Decision = { allowed: true; because: 'admin' | 'grant'; grant?: Grant } | { allowed: false; reason: string };

/**
 * Whether a user holding `roles` may perform `action` on `resource`, given all grants of those roles. Console
 * resources need the admin role whatever the grants say (as Nacos). The refusal names what was missing.
 *
 * @example
 *   decide(['dev'], [{ role: 'dev', resource: ':*:naming/*', action: 'r' }], { kind: 'naming', namespace: 'public', group: 'G', name: 'orders' }, 'w')
 *   // { allowed: false, reason: "no role of this user may write ':G:naming/orders'" }
 */
export function decide(roles: readonly string[], grants: readonly Grant[], resource: Resource, action: Action): Decision {
  if (roles.includes(ADMIN_ROLE)) return { allowed: true, because: 'admin' };
  const target = resourceString(resource);
  const verb = action === 'r' ? 'read' : 'write';
  if (resource.kind === 'console') return { allowed: false, reason: `'${target}' needs the ${ADMIN_ROLE} role` };
  const held = new Set(roles);
  const grant = grants.find((g) => held.has(g.role) && g.action.includes(action) && patternCovers(g.resource, target));
  if (grant) return { allowed: true, because: 'grant', grant };
  return { allowed: false, reason: `no role of this user may ${verb} '${target}'` };
}
