import { betaRuleOf, configTypeOf, grayNameOf, invalidParam, tagRuleOf, type ConfigAuthor, type ConfigCenter, type ConfigClientRequest, type ConfigListeners, type GrayRule } from '@cairn/core';
import type { ConnectionView } from '../grpc-connection.js';
import type { GrpcResponse } from '../grpc-wire.js';
import type { RequestHandlers } from '../request-handlers.js';
import { domainFailure, failure, headerOf, keyOfRequest, queryNotFound, queryResponse, textOf } from './config-grpc-wire.js';
import { type ConfigListenSets, type ListenContext, LISTEN_VIA, MAX_LISTENS_PER_CONNECTION } from './config-listen-sets.js';

/** A persistence that numbers its changes and says when one is durable (config's write-behind). */
export interface Durability {
  readonly lastChange: number;
  durable(upTo: number, timeoutMs: number): Promise<void>;
}

export interface ConfigGrpcDeps {
  config: ConfigCenter;
  listeners: ConfigListeners;
  listenSets: ConfigListenSets;
  durability: Durability;
  /** How long a change may wait for the store before it is answered as failed (`--store-wait-ms`). */
  storeWaitMs: number;
}

/**
 * The config requests of Nacos 2.x over gRPC, served by the same ConfigCenter as HTTP: reads gray aware by the
 * connection's IP and the request's tag, publishes (main, beta or tag) and removes with the same history and
 * journal, and listen sets that the push follows. Author of a change: the connection's IP and client version,
 * and the `src_user` the client claims.
 */
export function registerConfigHandlers(handlers: RequestHandlers, deps: ConfigGrpcDeps): void {
  const { config, listeners, listenSets } = deps;

  handlers.register('ConfigQueryRequest', (request, connection) => {
    try {
      const key = keyOfRequest(request.body);
      const explicit = blankToUndefined(textOf(request.body, 'tag'));
      const tag = explicit ?? headerOf(request, 'Vipserver-Tag');
      const client = clientOf(connection, 'gRPC ConfigQueryRequest', tag);
      const served = config.resolve(key, client.tag === undefined ? { ip: client.ip } : { ip: client.ip, tag: client.tag }, explicit !== undefined);
      listeners.fetched(client, key, served?.md5 ?? '');
      listenSets.fetched(connection, key, served?.md5 ?? '');
      return served ? queryResponse(served) : queryNotFound();
    } catch (err) {
      return domainFailure('ConfigQueryResponse', err, { lastModified: 0, beta: false });
    }
  });

  handlers.register('ConfigPublishRequest', (request, connection) =>
    durably(deps, 'ConfigPublishResponse', () => {
      const { body } = request;
      const key = keyOfRequest(body);
      const addition = additionMapOf(body);
      const author = authorOf(connection, addition.src_user, request.user);
      const content = textOf(body, 'content');
      const casMd5 = textOf(body, 'casMd5');
      const rule = grayRuleOf(addition);
      if (rule) {
        config.publishGray({ key, rule, content, type: configTypeOf(addition.type), appName: addition.appName, encryptedDataKey: blankToUndefined(addition.encryptedDataKey), casMd5 }, author);
        return;
      }
      config.publish(
        {
          key,
          content,
          type: configTypeOf(addition.type),
          appName: addition.appName,
          desc: addition.desc,
          tags: addition.config_tags,
          use: addition.use,
          effect: addition.effect,
          schema: addition.schema,
          encryptedDataKey: blankToUndefined(addition.encryptedDataKey),
          casMd5,
        },
        author,
      );
    }),
  );

  handlers.register('ConfigRemoveRequest', (request, connection) =>
    durably(deps, 'ConfigRemoveResponse', () => {
      const key = keyOfRequest(request.body);
      const author = authorOf(connection, undefined, request.user);
      const tag = blankToUndefined(textOf(request.body, 'tag'));
      if (tag === undefined) config.remove(key, author);
      else config.stopGray(key, grayNameOf(tagRuleOf(tag)), author);
    }),
  );

  handlers.register('ConfigBatchListenRequest', (request, connection) => {
    try {
      const listen = request.body.listen !== false;
      const contexts = listenContextsOf(request.body);
      const client = clientOf(connection, LISTEN_VIA, headerOf(request, 'Vipserver-Tag'));
      if (!listen) {
        listenSets.unlisten(
          connection,
          contexts.map((c) => c.key),
        );
        return { type: 'ConfigChangeBatchListenResponse', body: { changedConfigs: [] } };
      }
      const changed = listenSets.listen(connection, client, contexts);
      return { type: 'ConfigChangeBatchListenResponse', body: { changedConfigs: changed.map((c) => ({ dataId: c.key.dataId, group: c.key.group, tenant: c.tenant })) } };
    } catch (err) {
      return domainFailure('ConfigChangeBatchListenResponse', err);
    }
  });
}

/** Runs a change and answers once it is durable; a core error answers a failure of `type`, naming the field. */
async function durably(deps: ConfigGrpcDeps, type: string, change: () => void): Promise<GrpcResponse> {
  const before = deps.durability.lastChange;
  try {
    change();
  } catch (err) {
    return domainFailure(type, err);
  }
  if (deps.durability.lastChange !== before) {
    try {
      await deps.durability.durable(deps.durability.lastChange, deps.storeWaitMs);
    } catch (err) {
      return failure(type, 503, `storage unavailable: the change is not durable yet (${(err as Error).message}); retry the request`);
    }
  }
  return { type, body: {} };
}

function clientOf(connection: ConnectionView, via: string, tag: string | undefined): ConfigClientRequest {
  return { ip: connection.ip, agent: connection.clientVersion, via, ...(tag === undefined ? {} : { tag: tag.slice(0, 64) }) };
}

/** Who changed a config over gRPC: the connection, the `src_user` it claims, and the user the auth gate verified. */
function authorOf(connection: ConnectionView, claimedUser: string | undefined, user: string | undefined): ConfigAuthor {
  return { sourceIp: connection.ip, clientAgent: connection.clientVersion.slice(0, 128), claimedUser: (claimedUser ?? '').slice(0, 128), ...(user === undefined ? {} : { user }) };
}

/** `betaIps` (wins, as in Nacos), else `tag`; none = the main version. */
function grayRuleOf(addition: Record<string, string | undefined>): GrayRule | undefined {
  const betaIps = blankToUndefined(addition.betaIps);
  if (betaIps !== undefined) return betaRuleOf(betaIps);
  const tag = blankToUndefined(addition.tag);
  return tag === undefined ? undefined : tagRuleOf(tag);
}

/** `additionMap` as strings; absent or null is empty, anything but an object of strings is refused. */
function additionMapOf(body: Record<string, unknown>): Record<string, string | undefined> {
  const raw = body.additionMap;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam('additionMap', "Param 'additionMap' must be an object of strings.");
  const out: Record<string, string | undefined> = {};
  for (const field of Object.keys(raw)) out[field] = textOf(raw as Record<string, unknown>, field);
  return out;
}

/** The configs a ConfigBatchListenRequest names, read as its handler reads them. */
export function listenContextsOf(body: Record<string, unknown>): ListenContext[] {
  const raw = body.configListenContexts;
  if (!Array.isArray(raw)) throw invalidParam('configListenContexts', "Param 'configListenContexts' must be a list of {dataId, group, tenant, md5}.");
  // A list longer than one connection may hold is refused before its entries are read.
  if (raw.length > MAX_LISTENS_PER_CONNECTION) throw invalidParam('configListenContexts', `Param 'configListenContexts' lists ${raw.length} configs, over the maximum of ${MAX_LISTENS_PER_CONNECTION}.`);
  return raw.map((c: unknown) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw invalidParam('configListenContexts', "Each of 'configListenContexts' must be an object {dataId, group, tenant, md5}.");
    const context = c as Record<string, unknown>;
    return { key: keyOfRequest(context), tenant: textOf(context, 'tenant') ?? '', md5: textOf(context, 'md5') ?? '' };
  });
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
