import type { Action, Resource } from '@cairn/core';
import { listenContextsOf } from '../config/config-grpc-handlers.js';
import { keyOfRequest } from '../config/config-grpc-wire.js';
import { serviceRefOf } from '../naming/naming-wire.js';

/**
 * The resources a request touches, read from its body by the parsers its handler uses, so the resource checked is
 * the resource acted on. A body these parsers refuse is one its handler refuses too, before it acts.
 */
export type ResourcesOf = (body: Record<string, unknown>) => Resource[];

/**
 * What a request type needs when auth is on:
 * - `open`: nothing (the health check a client sends every few seconds, before and after logging in);
 * - `resource`: the action on each resource the request names (`namespace:group:naming/service`, `…:config/dataId`);
 * - `listing`: any verified user, and the answer lists only what the user may read (as the HTTP service lists do;
 *   Nacos refuses the list unless the user may read the whole group);
 * - `admin`: ROLE_ADMIN (the server's own state).
 * ServerCheckRequest and ConnectionSetupRequest never reach the table: the transport answers them itself, as it
 * takes the stream's answers to its own requests (push acknowledgements, ClientDetection, ConnectReset).
 */
export type RequestRule = { kind: 'open' } | { kind: 'listing' } | { kind: 'resource'; action: Action; resources: ResourcesOf } | { kind: 'admin'; resource: string };

export interface RequestEntry {
  /** The response class of the request type: a refusal comes in it, as Nacos answers (clients match on it). */
  readonly response: string;
  readonly rule: RequestRule;
  /** Fields a client requires in every answer of this class, failures included. */
  readonly refusalFields?: Record<string, unknown>;
}

/**
 * A service info with nothing in it, in refusals of the answers that carry one: the Rust client reads the whole
 * answer before it looks at `resultCode`, and without the field it reports a parse error instead of the refusal.
 */
const NO_SERVICE_INFO = { serviceInfo: { name: '', groupName: '', clusters: '', cacheMillis: 0, lastRefTime: 0, checksum: '', reachProtectionThreshold: false, hosts: [] } };

const naming = (action: Action): RequestRule => ({ kind: 'resource', action, resources: (body) => [{ kind: 'naming', ...serviceRefOf(body) }] });
const config = (action: Action): RequestRule => ({ kind: 'resource', action, resources: (body) => [configResource(keyOfRequest(body))] });

/** A listen reads every config it lists: each one is checked (Nacos checks only the first one's namespace). */
const listened: RequestRule = { kind: 'resource', action: 'r', resources: (body) => listenContextsOf(body).map((c) => configResource(c.key)) };

function configResource(key: { namespace: string; group: string; dataId: string }): Resource {
  return { kind: 'config', namespace: key.namespace, group: key.group, name: key.dataId };
}

/** Every request type with a handler; a type missing here is refused while auth is on (fail closed). */
const RULES: Record<string, RequestEntry> = {
  HealthCheckRequest: { response: 'HealthCheckResponse', rule: { kind: 'open' } },
  ServerLoaderInfoRequest: { response: 'ServerLoaderInfoResponse', rule: { kind: 'admin', resource: 'connections' } },

  InstanceRequest: { response: 'InstanceResponse', rule: naming('w') },
  PersistentInstanceRequest: { response: 'InstanceResponse', rule: naming('w') },
  BatchInstanceRequest: { response: 'BatchInstanceResponse', rule: naming('w') },
  ServiceQueryRequest: { response: 'QueryServiceResponse', rule: naming('r'), refusalFields: NO_SERVICE_INFO },
  SubscribeServiceRequest: { response: 'SubscribeServiceResponse', rule: naming('r'), refusalFields: NO_SERVICE_INFO },
  ServiceListRequest: { response: 'ServiceListResponse', rule: { kind: 'listing' } },

  ConfigQueryRequest: { response: 'ConfigQueryResponse', rule: config('r'), refusalFields: { lastModified: 0, beta: false } },
  ConfigPublishRequest: { response: 'ConfigPublishResponse', rule: config('w') },
  ConfigRemoveRequest: { response: 'ConfigRemoveResponse', rule: config('w') },
  ConfigBatchListenRequest: { response: 'ConfigChangeBatchListenResponse', rule: listened },
};

/** The entry of a request type; undefined for a type the table does not name (refused while auth is on). */
export function requestRuleOf(type: string): RequestEntry | undefined {
  return Object.hasOwn(RULES, type) ? RULES[type] : undefined;
}
