import { DEFAULT_GROUP, invalidParam, type CairnEventBus, type ConnectionClient, type ConnectionEndCause, type Registry, type Unsubscribe } from '@cairn/core';
import type { GrpcPush } from '../../../push/grpc/grpc-push.js';
import type { ServiceInfoCache } from '../../../wire/service-info.js';
import type { ConnectionView } from '../grpc-connection.js';
import type { DurableChanges } from '../../http/request-hooks.js';
import { errorResponse, refusalResponse, type GrpcRequest, type GrpcResponse } from '../grpc-wire.js';
import type { RequestHandlers } from '../request-handlers.js';
import { bool, domainErrorResponse, grpcServiceInfo, namespaceOf, optionalString, registrationOf, serviceRefOf } from './naming-wire.js';

export interface NamingDeps {
  registry: Registry;
  serviceInfo: ServiceInfoCache;
  push: GrpcPush;
  /** The naming persistence and how long a change may wait to be stored before it is answered 503. */
  durability?: { changes: DurableChanges; waitMs: number };
}

/**
 * Nacos 2.x naming over gRPC: `InstanceRequest`, `PersistentInstanceRequest`, `BatchInstanceRequest`, `ServiceQueryRequest`,
 * `SubscribeServiceRequest` and `ServiceListRequest`. Instances registered here are ephemeral and held by their connection; refusals are
 * answered as `ErrorResponse` with Nacos's code (400 for a client's mistake).
 */
export function registerNamingHandlers(handlers: RequestHandlers, deps: NamingDeps): void {
  // As over HTTP, a change is answered only once it is durable: handlers run their core command synchronously, so
  // a moved change number is this request's own change.
  const guarded =
    (handler: (request: GrpcRequest, connection: ConnectionView) => GrpcResponse) =>
    async (request: GrpcRequest, connection: ConnectionView): Promise<GrpcResponse> => {
      const before = deps.durability?.changes.lastChange;
      let response: GrpcResponse;
      try {
        response = handler(request, connection);
      } catch (err) {
        return domainErrorResponse(err);
      }
      const durability = deps.durability;
      if (!durability || durability.changes.lastChange === before) return response;
      try {
        await durability.changes.durable(durability.changes.lastChange, durability.waitMs);
        return response;
      } catch (err) {
        return errorResponse(503, `storage unavailable: the change is not durable yet (${(err as Error).message}); retry the request`);
      }
    };
  handlers.register(
    'InstanceRequest',
    guarded((r, c) => instanceRequest(deps, r, c)),
  );
  handlers.register(
    'PersistentInstanceRequest',
    guarded((r, c) => persistentInstanceRequest(deps, r, c)),
  );
  handlers.register(
    'BatchInstanceRequest',
    guarded((r, c) => batchInstanceRequest(deps, r, c)),
  );
  handlers.register(
    'ServiceQueryRequest',
    guarded((r) => serviceQuery(deps, r)),
  );
  handlers.register(
    'SubscribeServiceRequest',
    guarded((r, c) => subscribeService(deps, r, c)),
  );
  handlers.register(
    'ServiceListRequest',
    guarded((r) => serviceList(deps, r)),
  );
}

function instanceRequest({ registry }: NamingDeps, { body, user }: GrpcRequest, connection: ConnectionView): GrpcResponse {
  const ref = serviceRefOf(body);
  const type = optionalString(body, 'type');
  const cmd = registrationOf(body.instance, ref);
  if (type === 'registerInstance') {
    registry.registerForConnection(cmd, clientOf(connection, user), 'gRPC InstanceRequest');
  } else if (type === 'deregisterInstance') {
    // Nacos answers success for an address the connection does not hold.
    registry.deregisterForConnection({ namespace: ref.namespace, group: ref.group, name: ref.name, ip: cmd.ip, port: cmd.port, cluster: cmd.cluster }, clientOf(connection, user), 'gRPC InstanceRequest');
  } else {
    return badType(type, 'registerInstance or deregisterInstance');
  }
  return { type: 'InstanceResponse', body: { type } };
}

/** A persistent instance: registered as over HTTP (kept by the server, health-checked), not held by the connection. */
function persistentInstanceRequest({ registry }: NamingDeps, { body, user }: GrpcRequest, connection: ConnectionView): GrpcResponse {
  const ref = serviceRefOf(body);
  const type = optionalString(body, 'type');
  const cmd = registrationOf(body.instance, ref);
  cmd.ephemeral = false;
  const origin = { ip: connection.ip, agent: connection.clientVersion || undefined, via: 'gRPC PersistentInstanceRequest', ...(user === undefined ? {} : { user }) };
  if (type === 'registerInstance') registry.registerInstance(cmd, origin);
  else if (type === 'deregisterInstance') registry.deregisterInstance({ namespace: ref.namespace, group: ref.group, name: ref.name, ip: cmd.ip, port: cmd.port, cluster: cmd.cluster }, origin);
  else return badType(type, 'registerInstance or deregisterInstance');
  return { type: 'InstanceResponse', body: { type } };
}

/**
 * Instances one BatchInstanceRequest may carry. A client batches the instances of its own process (a handful); each
 * one registered is a journal event, so a batch of this size takes at most 1% of the default journal.
 */
export const MAX_BATCH_INSTANCES = 1_000;

function batchInstanceRequest({ registry }: NamingDeps, { body, user }: GrpcRequest, connection: ConnectionView): GrpcResponse {
  const ref = serviceRefOf(body);
  const type = optionalString(body, 'type');
  if (type !== 'batchRegisterInstance') return badType(type, 'batchRegisterInstance');
  const raw = body.instances ?? [];
  if (!Array.isArray(raw)) throw invalidParam('instances', "Param 'instances' must be a list.");
  if (raw.length > MAX_BATCH_INSTANCES) throw invalidParam('instances', `Param 'instances' lists ${raw.length} instances, over the maximum of ${MAX_BATCH_INSTANCES} in one batch.`);
  const cmds = raw.map((i, n) => registrationOf(i, ref, `instances[${n}]`));
  registry.batchRegisterForConnection(ref, cmds, clientOf(connection, user), 'gRPC BatchInstanceRequest');
  return { type: 'BatchInstanceResponse', body: { type } };
}

function serviceQuery({ registry, serviceInfo }: NamingDeps, { body }: GrpcRequest): GrpcResponse {
  const ref = serviceRefOf(body);
  const clusters = optionalString(body, 'cluster') ?? '';
  const healthyOnly = bool(body, 'healthyOnly', false);
  return { type: 'QueryServiceResponse', body: { serviceInfo: grpcServiceInfo(serviceInfo, ref, clusters, healthyOnly, registry.now()) } };
}

function subscribeService({ registry, serviceInfo, push }: NamingDeps, { body }: GrpcRequest, connection: ConnectionView): GrpcResponse {
  const ref = serviceRefOf(body);
  const clusters = optionalString(body, 'clusters') ?? '';
  if (bool(body, 'subscribe', true)) push.subscribe(connection, ref, clusters);
  else push.unsubscribeFrom(connection.connectionId, ref, clusters);
  return { type: 'SubscribeServiceResponse', body: { serviceInfo: grpcServiceInfo(serviceInfo, ref, clusters, false, registry.now()) } };
}

/**
 * One page (from 1) of the bare names of a group's services in the namespace, sorted; `count` = all of them. A
 * limited user (auth on) is shown only the services it may read.
 */
function serviceList({ registry }: NamingDeps, { body, readable }: GrpcRequest): GrpcResponse {
  const namespace = namespaceOf(body);
  const group = optionalString(body, 'groupName') || DEFAULT_GROUP;
  const pageNo = positiveInt(body, 'pageNo', 1);
  const pageSize = positiveInt(body, 'pageSize', 10);
  const names = registry
    .servicesIn(namespace)
    .filter((s) => s.group === group && (readable === undefined || readable({ kind: 'naming', namespace: s.namespace, group: s.group, name: s.name })))
    .map((s) => s.name)
    .sort();
  return { type: 'ServiceListResponse', body: { count: names.length, serviceNames: names.slice((pageNo - 1) * pageSize, pageNo * pageSize) } };
}

function positiveInt(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalidParam(key, `Param '${key}' must be an integer of at least 1.`);
  return v;
}

const END_CAUSES: Record<string, ConnectionEndCause> = {
  'client-closed': 'CLIENT_CLOSED',
  reset: 'RESET',
  'liveness-unanswered': 'LIVENESS_UNANSWERED',
  'server-shutdown': 'SERVER_SHUTDOWN',
  'reset-requested': 'RESET_REQUESTED',
};

/**
 * A connection's end, from the bus: its subscriptions end, and every instance only it held leaves at once (core
 * journals each as CONNECTION_INSTANCE_REMOVED, and the removal is pushed to the remaining subscribers).
 */
export function endWithConnections(events: CairnEventBus, registry: Registry, push: GrpcPush): Unsubscribe {
  return events.on('connection', (e) => {
    if (e.cause !== 'CONNECTION_CLOSED') return;
    push.connectionClosed(e.connectionId);
    registry.connectionClosed(e.connectionId, END_CAUSES[e.ended] ?? 'RESET', e.silentMs === undefined ? {} : { silentMs: e.silentMs });
  });
}

/** The connection as core knows a holder, with the verified user of the request acting for it. */
function clientOf(c: ConnectionView, user: string | undefined): ConnectionClient {
  return { connectionId: c.connectionId, ip: c.ip, port: c.port, clientVersion: c.clientVersion, appName: c.appName || undefined, connectedAt: c.connectedSince, ...(user === undefined ? {} : { user }) };
}

/** An unsupported `type`: Nacos's handlers throw INVALID_PARAM for it. */
function badType(type: string | undefined, expected: string): GrpcResponse {
  return refusalResponse(400, `Param 'type' must be ${expected}, got '${type ?? ''}'.`);
}
