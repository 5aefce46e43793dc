import { CairnRequestError } from '../errors.js';
import type { ServerPool } from '../transport/server-pool.js';
import { CLIENT_VERSION, type GrpcChannel } from '../transport/grpc/grpc-channel.js';
import { GrpcConnection } from '../transport/grpc/grpc-connection.js';
import { nacosCodeOf } from '../transport/grpc/grpc-wire.js';
import type { ResolvedConfigOptions } from './config-options.js';
import { type ConfigKey, type ConfigTransport, md5Of, type PublishWire, type StoredConfig } from './config-wire.js';
import { CairnConflictError } from './conflict-error.js';

/** ConfigQueryResponse's errorCode for a config that does not exist (resultCode 500), as Nacos answers. */
const NOT_FOUND = 300;
/** ConfigPublishResponse's errorCode and message for a compare-and-set whose `casMd5` is stale. */
const CAS_FAILED = 500;
const CAS_MESSAGE = /Cas publish fail/i;

/** One config listened to on the connection, for the watches (by their signals) that wait on it. */
interface Listen {
  key: ConfigKey;
  /** The md5 it was last listened with; undefined before the first listen. */
  md5: string | undefined;
  /** Listened on the current connection. */
  listened: boolean;
  /** Counts the server's word that it changed (a push, or a listen answer naming it). */
  version: number;
  readonly watches: Set<AbortSignal>;
  readonly waiters: Set<() => void>;
}

/**
 * The Nacos 2.x config requests over a `GrpcConnection`: `ConfigQueryRequest`, `ConfigPublishRequest` (compare-
 * and-set, beta and tag gray versions in `additionMap`), `ConfigRemoveRequest`, and watches as a
 * `ConfigBatchListenRequest` plus the server's `ConfigChangeNotifyRequest` pushes instead of long polls. A poll
 * waits for a push; on a new connection every config is listened to again in one request with the md5 last
 * listened with, and those the server names as changed meanwhile wake their watches, which then read them.
 */
export class GrpcConfigWire implements ConfigTransport {
  private readonly link: GrpcConnection;
  private readonly listens = new Map<string, Listen>();
  /** The `version` of its config each watch has seen. */
  private readonly seen = new WeakMap<AbortSignal, number>();

  constructor(private readonly o: ResolvedConfigOptions) {
    this.link = new GrpcConnection(
      o.http,
      { clientVersion: CLIENT_VERSION, namespace: o.tenant, labels: { module: 'config', source: 'sdk', AppName: o.http.appName } },
      {
        redo: (channel) => this.listenAll(channel),
        lost: () => this.lost(),
        serverRequest: (type, body) => this.serverRequest(type, body),
      },
    );
  }

  get pool(): ServerPool {
    return this.link.pool;
  }

  async get(key: ConfigKey): Promise<StoredConfig | undefined> {
    let body: Record<string, unknown>;
    try {
      ({ body } = await this.link.call('ConfigQueryRequest', keyBody(key)));
    } catch (error) {
      if (nacosCodeOf(error) === NOT_FOUND) return undefined;
      throw error;
    }
    if (typeof body.content !== 'string') throw new CairnRequestError(`the ConfigQueryResponse has no content: ${JSON.stringify(body).slice(0, 100)}`, 'bad-answer');
    const md5 = typeof body.md5 === 'string' && body.md5 !== '' ? body.md5 : md5Of(body.content);
    return { content: body.content, md5, type: typeof body.contentType === 'string' && body.contentType !== '' ? body.contentType : 'text' };
  }

  async publish(key: ConfigKey, content: string, options: PublishWire): Promise<void> {
    const additionMap: Record<string, string> = {};
    if (options.type !== undefined) additionMap.type = options.type;
    if (options.srcUser !== undefined) additionMap.src_user = options.srcUser;
    if (options.betaIps !== undefined) additionMap.betaIps = options.betaIps.join(',');
    if (options.tag !== undefined) additionMap.tag = options.tag;
    try {
      await this.link.call('ConfigPublishRequest', { ...keyBody(key), content, ...(options.casMd5 === undefined ? {} : { casMd5: options.casMd5 }), additionMap });
    } catch (error) {
      if (nacosCodeOf(error) === CAS_FAILED && CAS_MESSAGE.test((error as Error).message)) {
        throw new CairnConflictError(`config ${key.group}/${key.dataId} changed since MD5 ${options.casMd5 ?? ''}: ${(error as Error).message}`, key.dataId, key.group, (error as CairnRequestError).server);
      }
      throw error;
    }
  }

  /** Removes the main version; `ConfigRemoveRequest` carries no author, so `srcUser` is not sent. */
  async remove(key: ConfigKey): Promise<void> {
    await this.link.call('ConfigRemoveRequest', keyBody(key));
  }

  async poll(key: ConfigKey, md5: string, holdMs: number, _timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const listen = this.listenOf(key, signal);
    const seen = this.seen.get(signal);
    if (seen !== undefined && listen.version > seen) return this.saw(signal, listen);
    // Connecting first: a new connection listens to everything again, so this watch's listen may be done already.
    await this.link.connection();
    if (seen === undefined || !listen.listened || listen.md5 !== md5) {
      this.seen.set(signal, listen.version);
      await this.listen([listen], md5);
    }
    if (listen.version > (this.seen.get(signal) ?? 0)) return this.saw(signal, listen);
    await this.wait(listen, signal, holdMs);
    return listen.version > (this.seen.get(signal) ?? 0) ? this.saw(signal, listen) : false;
  }

  close(): void {
    this.link.close();
    for (const listen of this.listens.values()) for (const wake of listen.waiters) wake();
    this.listens.clear();
  }

  private listenOf(key: ConfigKey, signal: AbortSignal): Listen {
    const id = idOf(key);
    let listen = this.listens.get(id);
    if (!listen) {
      listen = { key, md5: undefined, listened: false, version: 0, watches: new Set(), waiters: new Set() };
      this.listens.set(id, listen);
    }
    if (!listen.watches.has(signal)) {
      listen.watches.add(signal);
      signal.addEventListener('abort', () => this.unwatch(id, signal), { once: true });
    }
    return listen;
  }

  private saw(signal: AbortSignal, listen: Listen): true {
    this.seen.set(signal, listen.version);
    return true;
  }

  /** One ConfigBatchListenRequest for `listens`, each with `md5` or the one it was last listened with. */
  private async listen(listens: Listen[], md5?: string, channel?: GrpcChannel): Promise<void> {
    const contexts = listens.map((l) => ({ ...keyBody(l.key), md5: md5 ?? l.md5 ?? '' }));
    const body = { listen: true, configListenContexts: contexts };
    const answer = channel ? await channel.request('ConfigBatchListenRequest', body) : await this.link.call('ConfigBatchListenRequest', body);
    for (const [i, l] of listens.entries()) {
      l.md5 = contexts[i].md5;
      l.listened = true;
    }
    const changed = Array.isArray(answer.body.changedConfigs) ? (answer.body.changedConfigs as Array<Record<string, unknown>>) : [];
    for (const c of changed) {
      const l = this.listens.get(idOf({ dataId: String(c.dataId ?? ''), group: String(c.group ?? ''), tenant: String(c.tenant ?? '') }));
      if (l) this.changed(l);
    }
  }

  /** On a new connection: listens to every config again, with the md5 each was last listened with. */
  private async listenAll(channel: GrpcChannel): Promise<void> {
    const listens = [...this.listens.values()].filter((l) => l.md5 !== undefined);
    if (listens.length === 0) return;
    try {
      await this.listen(listens, undefined, channel);
    } catch (error) {
      this.o.http.logger.warn?.(`gRPC: ${listens.length} config listens could not be redone on ${channel.label}: ${(error as Error).message}`);
      if (!channel.isOpen) throw error;
    }
  }

  private changed(listen: Listen): void {
    listen.version++;
    for (const wake of [...listen.waiters]) wake();
  }

  private wait(listen: Listen, signal: AbortSignal, holdMs: number): Promise<void> {
    const clock = this.o.http.clock;
    return new Promise((resolve) => {
      const done = () => {
        clock.clearTimeout(timer);
        listen.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = clock.setTimeout(done, holdMs);
      listen.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The connection ended and its listens with it: waiting watches poll again, which connects and listens anew. */
  private lost(): boolean {
    for (const listen of this.listens.values()) {
      listen.listened = false;
      for (const wake of [...listen.waiters]) wake();
    }
    return false;
  }

  private unwatch(id: string, signal: AbortSignal): void {
    const listen = this.listens.get(id);
    if (!listen?.watches.delete(signal) || listen.watches.size > 0) return;
    this.listens.delete(id);
    const channel = this.link.open;
    if (!channel || !listen.listened) return;
    channel.request('ConfigBatchListenRequest', { listen: false, configListenContexts: [{ ...keyBody(listen.key), md5: listen.md5 ?? '' }] }).catch((error: unknown) => {
      this.o.http.logger.debug?.(`gRPC: ending the listen to ${id} failed: ${(error as Error).message}`);
    });
  }

  /** The server's config requests on the stream: a listened config changed. */
  private serverRequest(type: string, body: Record<string, unknown>): { type: string; body: Record<string, unknown> } | undefined {
    if (type !== 'ConfigChangeNotifyRequest') return undefined;
    const listen = this.listens.get(idOf({ dataId: String(body.dataId ?? ''), group: String(body.group ?? ''), tenant: String(body.tenant ?? '') }));
    if (listen) this.changed(listen);
    else this.o.http.logger.debug?.(`gRPC: a change of ${String(body.group)}/${String(body.dataId)}, which this client does not watch, ignored`);
    return { type: 'ConfigChangeNotifyResponse', body: {} };
  }
}

function keyBody(key: ConfigKey): Record<string, string> {
  return { dataId: key.dataId, group: key.group, tenant: key.tenant };
}

function idOf(key: ConfigKey): string {
  return JSON.stringify([key.tenant === 'public' ? '' : key.tenant, key.group, key.dataId]);
}
