import { configKeyString, invalidParam, type CairnEventBus, type ConfigCenter, type ConfigClientRequest, type ConfigKey, type ConfigListeners, type ListenerPoll, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import type { ConnectionView } from '../grpc-connection.js';

/** One config a connection listens to, with the tenant as the client spelled it (echoed in pushes). */
export interface ListenContext {
  readonly key: ConfigKey;
  readonly tenant: string;
  readonly md5: string;
}

interface Entry {
  readonly key: ConfigKey;
  readonly tenant: string;
  /** The md5 the client holds, or the one it was last notified of; a change is pushed when the served md5 differs. */
  md5: string;
  /** The hold recorded in the live table of listeners while the connection listens. */
  hold: ListenerPoll;
  /** The last push of a change was given up: the next change is pushed whatever the md5. */
  unacknowledged: boolean;
}

interface Listening {
  readonly connection: ConnectionView;
  client: ConfigClientRequest;
  readonly entries: Map<string, Entry>;
}

export const LISTEN_VIA = 'gRPC ConfigBatchListenRequest';

/**
 * Configs one connection may listen to at once. The Java client puts at most 3,000 keys on one connection (one per
 * listen task); each key held costs a few hundred bytes here and a row in the live table of listeners.
 */
export const MAX_LISTENS_PER_CONNECTION = 10_000;

/**
 * The configs each gRPC connection listens to (`ConfigBatchListenRequest`), and the push that follows a change:
 * on every `config` / `config-gray` event, each connection listening to that key whose served md5 (gray aware, by
 * its IP and tag) differs from the one it holds gets a `ConfigChangeNotifyRequest` at once, retried up to `tries`
 * times when unanswered, then given up (logged; the next change pushes again). A listen set ends with its
 * connection. While a connection listens, the live table of listeners shows each key held; a push is recorded
 * there as a notification, as an answered long poll is.
 */
export class ConfigListenSets {
  private readonly byConnection = new Map<string, Listening>();
  private readonly byKey = new Map<string, Set<Listening>>();
  private readonly unsubscribe: Unsubscribe;
  /** Pushes sent (first tries), answered, retried and given up since start. */
  readonly stats = { pushed: 0, acked: 0, retried: 0, failed: 0 };

  constructor(
    private readonly deps: { config: ConfigCenter; listeners: ConfigListeners; events: CairnEventBus; log: Logger },
    private readonly tries = 3,
  ) {
    const stops = [
      deps.events.on('config', (e) => this.changed(e)),
      deps.events.on('config-gray', (e) => this.changed(e)),
      deps.events.on('connection', (e) => {
        if (e.cause === 'CONNECTION_CLOSED') this.drop(e.connectionId);
      }),
    ];
    this.unsubscribe = () => {
      for (const stop of stops) stop();
    };
  }

  /** Keys listened to by one connection (for tests and diagnosis). */
  keysOf(connectionId: string): ConfigKey[] {
    return [...(this.byConnection.get(connectionId)?.entries.values() ?? [])].map((e) => e.key);
  }

  /** Adds (or refreshes) keys to a connection's set; answers those whose served md5 differs from the client's. */
  listen(connection: ConnectionView, client: ConfigClientRequest, contexts: readonly ListenContext[]): ListenContext[] {
    const held = this.byConnection.get(connection.connectionId)?.entries;
    const added = new Set(contexts.map((c) => configKeyString(c.key)).filter((id) => !held?.has(id))).size;
    if ((held?.size ?? 0) + added > MAX_LISTENS_PER_CONNECTION) {
      throw invalidParam('configListenContexts', `Param 'configListenContexts': this connection listens to ${held?.size ?? 0} configs, and ${added} more would pass the maximum of ${MAX_LISTENS_PER_CONNECTION} per connection.`);
    }
    const listening = this.listeningOf(connection, client);
    const changed: ListenContext[] = [];
    for (const c of contexts) {
      const id = configKeyString(c.key);
      const old = listening.entries.get(id);
      if (old) this.deps.listeners.pollDropped(old.hold);
      const served = this.servedMd5(c.key, client);
      let md5 = c.md5;
      if (served !== c.md5) {
        // Answered at once, as a long poll whose md5 is stale; the key stays listened to with the md5 it is told of.
        changed.push(c);
        const told = this.deps.listeners.pollArrived(client, [{ key: c.key, md5: c.md5 }], false);
        this.deps.listeners.pollAnswered(told, [{ key: c.key, md5: c.md5 }], (k) => this.servedMd5(k, client));
        md5 = served;
      }
      const hold = this.deps.listeners.pollArrived(client, [{ key: c.key, md5 }], true);
      listening.entries.set(id, { key: c.key, tenant: c.tenant, md5, hold, unacknowledged: false });
      let set = this.byKey.get(id);
      if (!set) this.byKey.set(id, (set = new Set()));
      set.add(listening);
    }
    return changed;
  }

  /** Removes keys from a connection's set. */
  unlisten(connection: ConnectionView, keys: readonly ConfigKey[]): void {
    const listening = this.byConnection.get(connection.connectionId);
    if (!listening) return;
    for (const key of keys) this.forget(listening, configKeyString(key));
    if (listening.entries.size === 0) this.byConnection.delete(connection.connectionId);
  }

  /** The connection read a key and was served `md5`: it holds that now. */
  fetched(connection: ConnectionView, key: ConfigKey, md5: string): void {
    const entry = this.byConnection.get(connection.connectionId)?.entries.get(configKeyString(key));
    if (entry) entry.md5 = md5;
  }

  /** Ends a connection's listen set (its connection closed). */
  drop(connectionId: string): void {
    const listening = this.byConnection.get(connectionId);
    if (!listening) return;
    for (const id of [...listening.entries.keys()]) this.forget(listening, id);
    this.byConnection.delete(connectionId);
  }

  close(): void {
    this.unsubscribe();
    for (const id of [...this.byConnection.keys()]) this.drop(id);
  }

  private listeningOf(connection: ConnectionView, client: ConfigClientRequest): Listening {
    let listening = this.byConnection.get(connection.connectionId);
    if (!listening) this.byConnection.set(connection.connectionId, (listening = { connection, client, entries: new Map() }));
    listening.client = client;
    return listening;
  }

  private forget(listening: Listening, id: string): void {
    const entry = listening.entries.get(id);
    if (!entry) return;
    listening.entries.delete(id);
    this.deps.listeners.pollDropped(entry.hold);
    const set = this.byKey.get(id);
    set?.delete(listening);
    if (set?.size === 0) this.byKey.delete(id);
  }

  private servedMd5(key: ConfigKey, client: ConfigClientRequest): string {
    return this.deps.config.md5For(key, client.tag === undefined ? { ip: client.ip } : { ip: client.ip, tag: client.tag });
  }

  private changed(key: ConfigKey): void {
    const id = configKeyString(key);
    const set = this.byKey.get(id);
    if (!set) return;
    for (const listening of [...set]) {
      const entry = listening.entries.get(id);
      if (!entry) continue;
      const { client } = listening;
      const served = this.servedMd5(entry.key, client);
      if (served === entry.md5 && !entry.unacknowledged) continue;
      // Recorded as sent, as a long poll's answer is; the client holds the new version once it has read it.
      this.deps.listeners.pollAnswered(entry.hold, [{ key: entry.key, md5: entry.md5 }], () => served);
      entry.md5 = served;
      entry.unacknowledged = false;
      entry.hold = this.deps.listeners.pollArrived(client, [{ key: entry.key, md5: served }], true);
      this.notify(listening.connection, entry);
    }
  }

  private notify(connection: ConnectionView, entry: Entry): void {
    const body = { dataId: entry.key.dataId, group: entry.key.group, tenant: entry.tenant };
    this.stats.pushed++;
    const attempt = (n: number): void => {
      connection.push('ConfigChangeNotifyRequest', body).then(
        () => {
          this.stats.acked++;
        },
        (err: Error) => {
          // A closed connection fails its retries at once.
          if (n < this.tries) {
            this.stats.retried++;
            attempt(n + 1);
            return;
          }
          this.stats.failed++;
          this.deps.log.warn({ connectionId: connection.connectionId, ...body, tries: n, err: err.message }, 'config change push given up');
          // The next change pushes again: the client may not know of this one.
          entry.unacknowledged = true;
        },
      );
    };
    attempt(1);
  }
}
