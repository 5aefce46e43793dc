import { type Action, DEFAULT_GROUP, DEFAULT_NAMESPACE, type Resource, splitGroupedName, tenantToNamespace } from '@cairn/core';
import type { FastifyRequest } from 'fastify';
import { parseListeningConfigs } from '../config/listening-configs.js';
import { Params } from '../params.js';

/** The resources a request touches, read from its parameters. */
export type ResourceOf = (request: FastifyRequest) => Resource[];

/**
 * What a route needs when auth is on:
 * - `open`: nothing (health, server state, login, the console's pages: the login page must load);
 * - `signed-in`: any verified user (the handler may check more, e.g. a password change is the user's own);
 * - `resource`: the action on each resource the request names (`namespace:group:naming/service`, `…:config/dataId`);
 * - `listing`: any verified user, and the list shows only what the user may read (`readableBy(request)`);
 * - `admin`: ROLE_ADMIN (Nacos's console resources, operator switches, connections, other clients' details).
 */
export type RouteRule = { kind: 'open' } | { kind: 'signed-in' } | { kind: 'listing' } | { kind: 'resource'; action: Action; resource: ResourceOf } | { kind: 'admin'; resource: string };

const open: RouteRule = { kind: 'open' };
const signedIn: RouteRule = { kind: 'signed-in' };
// Nacos refuses a service list unless the user may read every service (`ns:group:naming/*`); Cairn lists what it may.
const listing: RouteRule = { kind: 'listing' };
const admin = (resource: string): RouteRule => ({ kind: 'admin', resource });

/**
 * Naming's resource, read exactly as the handlers read the service (serviceRefV1/V2, splitGroupedName): the
 * `group@@` of `serviceName` wins over `groupName`, which is the fallback; `namespaceId` only. Without a
 * `serviceName` the request reaches many services: the group (or `*`) and `*`, which only a wide grant covers.
 */
const namingResource: ResourceOf = (request) => {
  const p = Params.from(request);
  const grouped = p.str('serviceName');
  const namespace = p.str('namespaceId') ?? DEFAULT_NAMESPACE;
  if (grouped === undefined) return [{ kind: 'naming', namespace, group: p.str('groupName') ?? '*', name: '*' }];
  const { group, name } = splitGroupedName(grouped, p.str('groupName') ?? DEFAULT_GROUP);
  return [{ kind: 'naming', namespace, group, name }];
};

/** `/v2/ns/instance/statuses/:key`: the service is in the path, `[namespaceId##]group@@service`. */
const statusesResource: ResourceOf = (request) => {
  const key = ((request.params as { key?: string }).key ?? '').trim();
  const hashAt = key.indexOf('##');
  const { group, name } = splitGroupedName(hashAt >= 0 ? key.slice(hashAt + 2) : key, DEFAULT_GROUP);
  return [{ kind: 'naming', namespace: hashAt >= 0 ? key.slice(0, hashAt) : DEFAULT_NAMESPACE, group, name: name || '*' }];
};

/**
 * Config's resource, with the namespace parameter the handler reads (`tenant` on v1 and Cairn's routes,
 * `namespaceId` on v2, `namespace` for an import). A blank `dataId` or `group` is `*` (a wide grant).
 */
const configResourceBy =
  (namespaceParam: (p: Params) => string | undefined): ResourceOf =>
  (request) => {
    const p = Params.from(request);
    return [{ kind: 'config', namespace: tenantToNamespace(namespaceParam(p)), group: p.str('group') ?? '*', name: p.str('dataId') ?? '*' }];
  };
const v1Config = configResourceBy((p) => p.str('tenant'));
const v2Config = configResourceBy((p) => p.str('namespaceId'));
const diagnosisConfig = configResourceBy((p) => p.str('tenant') ?? p.str('namespaceId'));

/**
 * `/v1/cs/configs` also carries Nacos's operations told apart by a parameter. Those that name configs by database
 * id (export or delete by `ids`, clone) can reach any namespace, so they are the admin's; an import writes into
 * `namespace`; the rest use `tenant`.
 */
const v1Configs: ResourceOf = (request) => {
  const p = Params.from(request);
  if (p.str('ids') !== undefined || p.str('delType') === 'ids' || p.str('clone') === 'true') return [{ kind: 'console', name: 'configs-by-id' }];
  if (p.str('import') === 'true') return configResourceBy((q) => q.str('namespace'))(request);
  return v1Config(request);
};

/** A long poll reads every config it lists: each is checked (Nacos checks one resource with `*` for the lot). */
const listenedConfigs: ResourceOf = (request) => {
  const keys = parseListeningConfigs(Params.from(request).raw('Listening-Configs'));
  return keys.map(({ key }) => ({ kind: 'config', namespace: key.namespace, group: key.group, name: key.dataId }));
};

const naming = (action: Action): RouteRule => ({ kind: 'resource', action, resource: namingResource });
const config = (action: Action, resource: ResourceOf = v1Config): RouteRule => ({ kind: 'resource', action, resource });

/** Routes by `METHOD path` (path without the context path). HEAD follows GET. */
const RULES: Record<string, RouteRule> = {
  // Open: liveness, readiness and server state (clients read it before logging in), and the logins.
  'GET /v1/console/health/liveness': open,
  'GET /v1/console/health/readiness': open,
  'GET /v1/console/server/state': open,
  'GET /v1/ns/health/server': open,
  // A node's own state, as a health check reads it (the members' addresses are the operator's, below).
  'GET /v1/core/cluster/health': open,
  'GET /v2/core/cluster/node/self/health': open,
  'POST /v1/ns/health/server': open,
  'POST /v1/auth/login': open,
  'POST /v1/auth/users/login': open,
  'POST /v3/auth/user/login': open,

  // Users, roles and grants (Nacos's console resources): admins only; a password is changed by its user too
  // (the handler checks that the caller is that user or an admin).
  'POST /v1/auth/users': admin('users'),
  'POST /v1/auth/users/admin': admin('users'),
  'DELETE /v1/auth/users': admin('users'),
  'PUT /v1/auth/users': signedIn,
  'PUT /v1/auth/users/enabled': admin('users'),
  'GET /v1/auth/users': admin('users'),
  'GET /v1/auth/users/search': admin('users'),
  'POST /v1/cairn/auth/import': admin('users'),
  'GET /v1/auth/roles': admin('roles'),
  'GET /v1/auth/roles/search': admin('roles'),
  'POST /v1/auth/roles': admin('roles'),
  'DELETE /v1/auth/roles': admin('roles'),
  'GET /v1/auth/permissions': admin('permissions'),
  'POST /v1/auth/permissions': admin('permissions'),
  'DELETE /v1/auth/permissions': admin('permissions'),

  // Naming v1.
  'POST /v1/ns/instance': naming('w'),
  'DELETE /v1/ns/instance': naming('w'),
  'PUT /v1/ns/instance': naming('w'),
  'PATCH /v1/ns/instance': naming('w'),
  'GET /v1/ns/instance': naming('r'),
  'GET /v1/ns/instance/list': naming('r'),
  'PUT /v1/ns/instance/beat': naming('w'),
  'GET /v1/ns/instance/statuses': naming('r'),
  'POST /v1/ns/instance/statuses': naming('r'),
  'PUT /v1/ns/instance/statuses': naming('r'),
  'PUT /v1/ns/instance/metadata/batch': naming('w'),
  'DELETE /v1/ns/instance/metadata/batch': naming('w'),
  'POST /v1/ns/service': naming('w'),
  'DELETE /v1/ns/service': naming('w'),
  'PUT /v1/ns/service': naming('w'),
  'GET /v1/ns/service': naming('r'),
  'GET /v1/ns/service/list': listing,
  'GET /v1/ns/service/names': listing,
  'POST /v1/ns/service/names': listing,
  'GET /v1/ns/service/subscribers': naming('r'),
  'GET /v1/ns/service/selector/types': signedIn,
  'GET /v1/ns/catalog/service': naming('r'),
  'GET /v1/ns/catalog/services': listing,
  'GET /v1/ns/catalog/instances': naming('r'),
  'POST /v1/ns/catalog/instances': naming('r'),
  'PUT /v1/ns/cluster': naming('w'),
  'PUT /v1/ns/health': naming('w'),
  'PUT /v1/ns/health/instance': naming('w'),
  'GET /v1/ns/health/checkers': signedIn,
  'GET /v1/ns/operator/metrics': signedIn,
  'GET /v1/ns/operator/switches': signedIn,
  'PUT /v1/ns/operator/switches': admin('naming/switches'),
  'GET /v1/ns/operator/push/state': signedIn,
  'GET /v1/ns/ops/metrics': signedIn,
  'GET /v1/ns/ops/switches': signedIn,
  'PUT /v1/ns/ops/switches': admin('naming/switches'),
  'GET /v1/ns/ops/push/state': signedIn,

  // Namespaces: any user lists them (to pick one); only admins change them.
  'GET /v1/console/namespaces': signedIn,
  'POST /v1/console/namespaces': admin('namespaces'),
  'PUT /v1/console/namespaces': admin('namespaces'),
  'DELETE /v1/console/namespaces': admin('namespaces'),
  'GET /v2/console/namespace': signedIn,
  'GET /v2/console/namespace/list': signedIn,
  'POST /v2/console/namespace': admin('namespaces'),
  'PUT /v2/console/namespace': admin('namespaces'),
  'DELETE /v2/console/namespace': admin('namespaces'),

  // Connections and other clients' details are the operator's.
  'GET /v1/core/loader/current': admin('connections'),
  'GET /v1/core/loader/reloadClient': admin('connections'),
  'GET /v2/core/loader/current': admin('connections'),
  'GET /v2/core/loader/reloadClient': admin('connections'),
  'GET /v1/cairn/connections': admin('connections'),
  // The cluster's members and their addresses (Nacos: the admin's too).
  'GET /v1/core/cluster/self': admin('cluster'),
  'GET /v1/core/cluster/nodes': admin('cluster'),
  'GET /v1/core/cluster/simple/nodes': admin('cluster'),
  'GET /v2/core/cluster/node/self': admin('cluster'),
  'GET /v2/core/cluster/node/list': admin('cluster'),
  'GET /v1/cairn/auth/keys': admin('signing-keys'),
  'POST /v1/cairn/auth/keys/rotate': admin('signing-keys'),
  'GET /v2/ns/client': admin('connections'),
  'GET /v2/ns/client/list': admin('connections'),
  'GET /v2/ns/client/publish/list': admin('connections'),
  'GET /v2/ns/client/subscribe/list': admin('connections'),
  'GET /v2/ns/client/service/publisher/list': admin('connections'),
  'GET /v2/ns/client/service/subscriber/list': admin('connections'),

  // The journal shows each user the events of what it may read (auth and connection events: admins only); the
  // diagnosis reads one service.
  'GET /v1/cairn/events': listing,
  'GET /v1/cairn/diagnosis': naming('r'),
  'GET /actuator/prometheus': signedIn,

  // Config v1 and Cairn's config routes.
  'GET /v1/cs/configs': config('r', v1Configs),
  'POST /v1/cs/configs': config('w', v1Configs),
  'DELETE /v1/cs/configs': config('w', v1Configs),
  'GET /v1/cs/configs/catalog': config('r'),
  'POST /v1/cs/configs/listener': { kind: 'resource', action: 'r', resource: listenedConfigs },
  'GET /v1/cs/configs/listener': config('r'),
  'GET /v1/cs/listener': admin('connections'),
  'GET /v1/cs/history': config('r'),
  'GET /v1/cs/history/previous': config('r'),
  'POST /v1/cairn/config/rollback': config('w'),
  'GET /v1/cairn/config/gray': config('r'),
  'POST /v1/cairn/config/gray/promote': config('w'),
  'GET /v1/cairn/config/diagnosis': config('r', diagnosisConfig),

  // Config v2.
  'GET /v2/cs/config': config('r', v2Config),
  'POST /v2/cs/config': config('w', v2Config),
  'DELETE /v2/cs/config': config('w', v2Config),
  // Nacos's console search reads the v1 parameters (`tenant`).
  'GET /v2/cs/config/searchDetail': config('r', v1Config),
  'GET /v2/cs/history': config('r', v2Config),
  'GET /v2/cs/history/list': config('r', v2Config),
  'GET /v2/cs/history/detail': config('r', v2Config),
  'GET /v2/cs/history/previous': config('r', v2Config),
  'GET /v2/cs/history/configs': config('r', v2Config),

  // Naming v2.
  'POST /v2/ns/instance': naming('w'),
  'DELETE /v2/ns/instance': naming('w'),
  'PUT /v2/ns/instance': naming('w'),
  'PATCH /v2/ns/instance': naming('w'),
  'GET /v2/ns/instance': naming('r'),
  'GET /v2/ns/instance/list': naming('r'),
  'PUT /v2/ns/instance/beat': naming('w'),
  'GET /v2/ns/instance/statuses/:key': { kind: 'resource', action: 'r', resource: statusesResource },
  'PUT /v2/ns/instance/metadata/batch': naming('w'),
  'DELETE /v2/ns/instance/metadata/batch': naming('w'),
  'POST /v2/ns/service': naming('w'),
  'DELETE /v2/ns/service': naming('w'),
  'PUT /v2/ns/service': naming('w'),
  'GET /v2/ns/service': naming('r'),
  'GET /v2/ns/service/list': listing,
  // One read handler for every method (Nacos's mapping takes them all).
  'GET /v2/ns/catalog/instances': naming('r'),
  'POST /v2/ns/catalog/instances': naming('r'),
  'PUT /v2/ns/catalog/instances': naming('r'),
  'DELETE /v2/ns/catalog/instances': naming('r'),
  'PUT /v2/ns/health': naming('w'),
  'PUT /v2/ns/health/instance': naming('w'),
  'GET /v2/ns/operator/metrics': signedIn,
  'GET /v2/ns/operator/switches': signedIn,
  'PUT /v2/ns/operator/switches': admin('naming/switches'),
  'GET /v2/ns/ops/metrics': signedIn,
  'GET /v2/ns/ops/switches': signedIn,
  'PUT /v2/ns/ops/switches': admin('naming/switches'),
};

/**
 * The console's own files (the page, its assets, its client-side routes, and the context path itself, which
 * redirects to the page): open, so the login page loads.
 */
const CONSOLE_FILES = /^(\/(index\.html|assets\/\*|(services|configs|namespaces|connections|users|roles|permissions|login)(\/\*)?|))?$/;

/**
 * The rule of a route; a route the table does not name is admin-only (fail closed). `rules.test.ts` lists every
 * route a server registers against this table, so a new route without a rule is a failing test, not an open door.
 */
export function ruleOf(method: string, path: string): RouteRule {
  const m = method === 'HEAD' ? 'GET' : method;
  const rule = RULES[`${m} ${path}`];
  if (rule) return rule;
  if (m === 'GET' && CONSOLE_FILES.test(path)) return open;
  return admin(`unlisted ${m} ${path}`);
}

/** Whether the table names a route (for the test that every registered route has a rule). */
export function hasRule(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return RULES[`${m} ${path}`] !== undefined || (m === 'GET' && CONSOLE_FILES.test(path));
}
