import { CairnClosedError, CairnRequestError } from '../errors.js';
import { CairnConflictError } from './conflict-error.js';
import { HttpV1Transport } from '../transport/http-v1-transport.js';
import { resolveConfigOptions, type ConfigClientOptions, type ResolvedConfigOptions } from './config-options.js';
import type { ConfigListener, ConfigValue, HistoryPage, PublishOptions } from './config-types.js';
import { ConfigWatch } from './config-watch.js';
import { type ConfigKey, type ConfigTransport, ConfigWire } from './config-wire.js';
import { GrpcConfigWire } from './grpc-config-wire.js';
import { ConfigSnapshot } from './snapshot.js';

export { CairnConflictError };

const DEFAULT_GROUP = 'DEFAULT_GROUP';

/**
 * A config client over the Nacos v1 config API, or with `protocol: 'grpc'` over Nacos 2.x gRPC (watches pushed): read, publish (with compare-and-set), remove, read history, roll
 * back (Cairn's extension) and watch configs. It shares the naming client's server list, failover, timeouts and
 * typed errors (`CairnRequestError` with `kind` and `retryable`). With `snapshotDir`, every read is saved, and a read that no
 * server answers is served from the saved copy (`fromSnapshot: true`, logged as a warning); a 404 is an answer
 * (`null`), not an outage.
 *
 * @example
 * const config = new ConfigClient({ serverAddresses: ['127.0.0.1:8848'] });
 * await config.publishConfig('app.properties', 'DEFAULT_GROUP', 'level=info');
 * for await (const change of config.watch('app.properties')) console.log(change.content);
 */
export class ConfigClient {
  private readonly o: ResolvedConfigOptions;
  private readonly http: HttpV1Transport;
  private readonly wire: ConfigWire;
  /** Reads, publishes, removes and watches: `wire`, or gRPC with `protocol: 'grpc'`. */
  private readonly store: ConfigTransport;
  private readonly snapshot: ConfigSnapshot | undefined;
  private readonly watches = new Set<ConfigWatch>();
  private closed = false;

  /** Throws `CairnConfigError` at once for malformed options. */
  constructor(options: ConfigClientOptions) {
    this.o = resolveConfigOptions(options);
    this.http = new HttpV1Transport(this.o.http);
    this.wire = new ConfigWire(this.http);
    this.store = this.o.http.protocol === 'grpc' ? new GrpcConfigWire(this.o) : this.wire;
    this.snapshot = this.o.snapshotDir ? new ConfigSnapshot(this.o.snapshotDir) : undefined;
  }

  /** The tenant this client reads and writes (`''` = the default namespace). */
  get namespace(): string {
    return this.o.tenant;
  }

  /** The config's content, MD5 and type; `null` when it does not exist. */
  async getConfig(dataId: string, group = DEFAULT_GROUP): Promise<ConfigValue | null> {
    this.open();
    const key = this.keyOf(dataId, group);
    let found: Awaited<ReturnType<ConfigWire['get']>>;
    try {
      found = await this.readAndKeep(key);
    } catch (error) {
      if (!(error instanceof CairnRequestError) || !error.retryable || !this.snapshot) throw error;
      const saved = await this.snapshot.read(key.tenant, key.group, key.dataId);
      if (!saved) throw error;
      this.o.http.logger.warn?.(`config ${group}/${dataId}: no server answered (${error.message}); using the local snapshot`, { dataId, group, kind: error.kind });
      return { dataId, group, namespace: key.tenant, ...saved, fromSnapshot: true };
    }
    if (!found) return null;
    return { dataId, group, namespace: key.tenant, ...found, fromSnapshot: false };
  }

  /**
   * Creates or replaces the config. With `casMd5`, throws `CairnConflictError` if the stored MD5 differs. With
   * `betaIps` or `tag`, creates or replaces a gray version instead (see docs/config.md, Gray releases).
   */
  async publishConfig(dataId: string, group: string, content: string, options: PublishOptions = {}): Promise<void> {
    this.open();
    const key = this.keyOf(dataId, group);
    try {
      const srcUser = options.srcUser ?? this.o.srcUser;
      await this.store.publish(key, content, { ...options, ...(srcUser === undefined ? {} : { srcUser }) });
    } catch (error) {
      if (error instanceof CairnRequestError && error.status === 500 && error.kind === 'client-error') {
        throw new CairnConflictError(`config ${group}/${dataId} changed since MD5 ${options.casMd5 ?? ''}: ${error.body ?? ''}`, dataId, group, error.server);
      }
      throw error;
    }
  }

  /** Removes the config; removing a missing config succeeds. */
  async removeConfig(dataId: string, group = DEFAULT_GROUP): Promise<void> {
    this.open();
    await this.store.remove(this.keyOf(dataId, group), this.o.srcUser);
  }

  /** The config's history, newest first. */
  async getHistory(dataId: string, group = DEFAULT_GROUP, page: { pageNo?: number; pageSize?: number } = {}): Promise<HistoryPage> {
    this.open();
    return this.wire.history(this.keyOf(dataId, group), page.pageNo ?? 1, page.pageSize ?? 100);
  }

  /**
   * Rolls the config back to the version history record `nid` holds (an `id` from `getHistory`): its content, type
   * and appName are published as a new version, also when the config was deleted since. Resolves to the config as
   * it now is; a `nid` that is not a record of this config rejects with `CairnRequestError` (status 404).
   *
   * @example
   * const [, previous] = (await config.getHistory('app.yaml')).entries;
   * await config.rollback('app.yaml', 'DEFAULT_GROUP', previous.id);
   */
  async rollback(dataId: string, group: string, nid: string | number): Promise<ConfigValue> {
    this.open();
    const id = String(nid);
    if (!/^\d{1,18}$/.test(id)) throw new TypeError(`nid must be a history id (digits), got '${id}'`);
    const key = this.keyOf(dataId, group);
    const now = await this.wire.rollback(key, id);
    return { dataId, group, namespace: key.tenant, ...now, fromSnapshot: false };
  }

  /**
   * Each new version of the config, as an async iterator (`for await`), from the version current when the watch
   * starts (await `watch.ready` to be sure a following publish is seen). Pass `listener` for the callback form.
   * Survives server restarts, network faults and refusals (4xx, kept in `watch.lastError` while they last);
   * `close()` or leaving the loop stops it.
   */
  watch(dataId: string, group = DEFAULT_GROUP, listener?: ConfigListener): ConfigWatch {
    this.open();
    const watch = new ConfigWatch(
      this.store,
      (k) => this.readAndKeep(k),
      this.keyOf(dataId, group),
      {
        longPollTimeoutMs: this.o.longPollTimeoutMs,
        requestTimeoutMs: this.o.http.requestTimeoutMs,
        retryBaseMs: this.o.watchRetryBaseMs,
        retryMaxMs: this.o.watchRetryMaxMs,
        clock: this.o.http.clock,
        logger: this.o.http.logger,
        random: this.o.http.random,
      },
      listener,
      (w) => this.watches.delete(w),
    );
    this.watches.add(watch);
    return watch;
  }

  /** Stops every watch; later calls reject with `CairnClosedError`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    this.store.close();
  }

  /** A read from the server that keeps the snapshot in step: saved when found, forgotten on 404. */
  private async readAndKeep(key: ConfigKey): Promise<Awaited<ReturnType<ConfigWire['get']>>> {
    const found = await this.store.get(key);
    if (!this.snapshot) return found;
    if (!found) await this.snapshot.remove(key.tenant, key.group, key.dataId);
    else await this.snapshot.write(key.tenant, key.group, key.dataId, found).catch((error: Error) => this.o.http.logger.warn?.(`config snapshot not written: ${error.message}`));
    return found;
  }

  private keyOf(dataId: string, group: string): ConfigKey {
    for (const [name, value] of [
      ['dataId', dataId],
      ['group', group],
    ] as const) {
      if (typeof value !== 'string' || !/^[\w.:-]+$/.test(value)) throw new TypeError(`${name} must be letters, digits, _ - . or :, got '${String(value)}'`);
    }
    return { dataId, group, tenant: this.o.tenant };
  }

  private open(): void {
    if (this.closed) throw new CairnClosedError();
  }
}
