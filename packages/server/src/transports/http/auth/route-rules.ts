import type { Action, Resource } from '@cairn/core';
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

/** Naming's resource as Nacos parses it: `namespaceId`, `groupName` (or the `group@@` of `serviceName`), `serviceName`. */
const namingResource: ResourceOf = (request) => {
  const p = Params.from(request);
  const grouped = p.str('serviceName') ?? '';
  const at = grouped.indexOf('@@');
  const name = at >= 0 ? grouped.slice(at + 2) : grouped;
  const group = p.str('groupName') ?? (at >= 0 ? grouped.slice(0, at) : grouped !== '' ? 'DEFAULT_GROUP' : '*');
  return [{ kind: 'naming', namespace: p.str('namespaceId') ?? p.str('namespace') ?? '', group, name: name || '*' }];
};

/** Config's resource: `tenant` (v1) or `namespaceId` (v2), `group`, `dataId`; blank parts are `*` (a wide grant). */
const configResource: ResourceOf = (request) => {
  const p = Params.from(request);
  const dataId = p.str('dataId') ?? '*';
  return [{ kind: 'config', namespace: namespaceOf(p.str('tenant') ?? p.str('namespaceId')), group: p.str('group') ?? (dataId === '*' ? '*' : 'DEFAULT_GROUP'), name: dataId }];
};

/** A long poll reads every config it lists: each is checked (Nacos checks one resource with `*` for the lot). */
const listenedConfigs: ResourceOf = (request) => {
  const keys = parseListeningConfigs(Params.from(request).raw('Listening-Configs'));
  return keys.map(({ key }) => ({ kind: 'config', namespace: key.namespace, group: key.group, name: key.dataId }));
};

const naming = (action: Action): RouteRule => ({ kind: 'resource', action, resource: namingResource });
const config = (action: Action): RouteRule => ({ kind: 'resource', action, resource: configResource });

function namespaceOf(tenant: string | undefined): string {
  return tenant === undefined || tenant.toLowerCase() === 'public' || tenant === 'null' ? '' : tenant;
}

/** Routes by `METHOD path` (path without the context path). HEAD follows GET. */
const RULES: Record<string, RouteRule> = {
  // Open: liveness, readiness and server state (clients read it before logging in), and the logins.
  'GET /v1/console/health/liveness': open,
  'GET /v1/console/health/readiness': open,
  'GET /v1/console/server/state': open,
  'GET /v1/ns/health/server': open,
  'POST /v1/ns/health/server': open,
  'POST /v1/auth/login': open,
  'POST /v1/auth/users/login': open,
  'POST /v3/auth/user/login': open,

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
  'GET /v1/cairn/auth/keys': admin('signing-keys'),
  'POST /v1/cairn/auth/keys/rotate': admin('signing-keys'),
  'GET /v2/ns/client': admin('connections'),
  'GET /v2/ns/client/list': admin('connections'),
  'GET /v2/ns/client/publish/list': admin('connections'),
  'GET /v2/ns/client/subscribe/list': admin('connections'),
  'GET /v2/ns/client/service/publisher/list': admin('connections'),
  'GET /v2/ns/client/service/subscriber/list': admin('connections'),

  // The journal and the diagnosis read what naming holds.
  'GET /v1/cairn/events': naming('r'),
  'GET /v1/cairn/diagnosis': naming('r'),
  'GET /actuator/prometheus': signedIn,

  // Config v1 and Cairn's config routes.
  'GET /v1/cs/configs': config('r'),
  'POST /v1/cs/configs': config('w'),
  'DELETE /v1/cs/configs': config('w'),
  'GET /v1/cs/configs/catalog': config('r'),
  'POST /v1/cs/configs/listener': { kind: 'resource', action: 'r', resource: listenedConfigs },
  'GET /v1/cs/configs/listener': config('r'),
  'GET /v1/cs/listener': admin('connections'),
  'GET /v1/cs/history': config('r'),
  'GET /v1/cs/history/previous': config('r'),
  'POST /v1/cairn/config/rollback': config('w'),
  'GET /v1/cairn/config/gray': config('r'),
  'POST /v1/cairn/config/gray/promote': config('w'),
  'GET /v1/cairn/config/diagnosis': config('r'),

  // Config v2.
  'GET /v2/cs/config': config('r'),
  'POST /v2/cs/config': config('w'),
  'DELETE /v2/cs/config': config('w'),
  'GET /v2/cs/config/searchDetail': config('r'),
  'GET /v2/cs/history': config('r'),
  'GET /v2/cs/history/list': config('r'),
  'GET /v2/cs/history/detail': config('r'),
  'GET /v2/cs/history/previous': config('r'),
  'GET /v2/cs/history/configs': config('r'),

  // Naming v2.
  'POST /v2/ns/instance': naming('w'),
  'DELETE /v2/ns/instance': naming('w'),
  'PUT /v2/ns/instance': naming('w'),
  'PATCH /v2/ns/instance': naming('w'),
  'GET /v2/ns/instance': naming('r'),
  'GET /v2/ns/instance/list': naming('r'),
  'PUT /v2/ns/instance/beat': naming('w'),
  'GET /v2/ns/instance/statuses/:key': naming('r'),
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

/** The console's own files (the page, its assets, its client-side routes): open, so the login page loads. */
const CONSOLE_FILES = /^\/(index\.html|assets\/\*|(services|configs|namespaces|connections|users|roles|permissions|login)(\/\*)?|)$/;

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
