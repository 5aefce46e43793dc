import { configKeyString, type CairnEventBus, type ConfigCenter, type ConfigGray, type ConfigHistoryRecord, type ConfigItem, type ConfigKey, type ConfigStore, type GrayKey, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import { WriteBehind, WrittenBehind } from './write-behind.js';

const PRUNE_EVERY_MS = 3_600_000;

/** What is not yet durable: keys whose current state is read from memory when written, and history to append. */
interface Dirty {
  keys: Map<string, ConfigKey>;
  /** Gray versions (config key and gray name) whose current state is read from memory when written. */
  grays: Map<string, GrayKey>;
  history: ConfigHistoryRecord[];
}

/**
 * Keeps configs, their gray versions and their history in the config store, the way NamingPersistence keeps naming's data: it follows
 * `config` events on the bus, and one writer at a time writes every dirty key in its current state together with
 * the history appended meanwhile, in one transaction (group commit). A refused write is retried with backoff until
 * the store takes it. `durable(n)` resolves once change `n` is committed; the HTTP layer answers a publish or delete
 * only then (or 503 when the store keeps refusing), never 200 for a change that is not stored.
 */
export class ConfigPersistence extends WrittenBehind<Dirty> {
  protected readonly writer: WriteBehind<Dirty>;
  private pruner: NodeJS.Timeout | undefined;
  private unsubscribes: Unsubscribe[] = [];

  constructor(
    private readonly store: ConfigStore,
    private readonly center: ConfigCenter,
    private readonly events: CairnEventBus,
    private readonly historyMaxAgeMs: number,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {
    super();
    this.writer = new WriteBehind<Dirty>({
      what: 'config',
      empty: () => ({ keys: new Map(), grays: new Map(), history: [] }),
      write: (batch) => this.write(batch),
      // The failed batch goes back in front of what changed meanwhile; its history keeps its order.
      putBack: (failed, newer) => {
        for (const [k, key] of failed.keys) newer.keys.set(k, key);
        for (const [k, key] of failed.grays) newer.grays.set(k, key);
        newer.history = [...failed.history, ...newer.history];
      },
      log,
    });
  }

  /** Loads the stored configs into the center, then follows changes. */
  async start(): Promise<{ configs: number; grays: number }> {
    const items: ConfigItem[] = await this.store.loadConfigs();
    const grays: ConfigGray[] = await this.store.loadGrays();
    this.center.restore(items, await this.store.lastHistoryId(), grays);
    this.unsubscribes = [
      this.events.on('config', (e) =>
        this.writer.mark((d) => {
          d.keys.set(configKeyString(e), { namespace: e.namespace, group: e.group, dataId: e.dataId });
          d.history.push(e.history);
        }),
      ),
      // Gray versions go through the same dirty set and group commit: one transaction with the rest of the batch.
      this.events.on('config-gray', (e) =>
        this.writer.mark((d) => {
          d.grays.set(`${configKeyString(e)}\u0002${e.grayName}`, { namespace: e.namespace, group: e.group, dataId: e.dataId, grayName: e.grayName });
          d.history.push(e.history);
        }),
      ),
    ];
    void this.prune();
    this.pruner = setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref();
    return { configs: items.length, grays: grays.length };
  }

  /** Stops following changes, writes what is dirty (one attempt); the database is closed by naming persistence. */
  async close(): Promise<void> {
    for (const stop of this.unsubscribes) stop();
    if (this.pruner) clearInterval(this.pruner);
    await this.writer.close();
  }

  private async write(batch: Dirty): Promise<void> {
    const save: ConfigItem[] = [];
    const remove: ConfigKey[] = [];
    for (const key of batch.keys.values()) {
      const item = this.center.get(key);
      if (item) save.push(item);
      else remove.push(key);
    }
    const saveGrays: ConfigGray[] = [];
    const removeGrays: GrayKey[] = [];
    for (const key of batch.grays.values()) {
      const gray = this.center.grayOf(key, key.grayName);
      if (gray) saveGrays.push(gray);
      else removeGrays.push(key);
    }
    await this.store.writeConfigs({ save, remove, saveGrays, removeGrays, history: batch.history });
  }

  private async prune(): Promise<void> {
    try {
      await this.store.pruneHistory(this.now() - this.historyMaxAgeMs);
    } catch (err) {
      this.log.warn({ err }, 'pruning the config history failed; will try again in an hour');
    }
  }
}
