import { configKeyString, type CairnEventBus, type ConfigCenter, type ConfigGray, type ConfigHistoryRecord, type ConfigItem, type ConfigKey, type ConfigStore, type GrayKey, type Unsubscribe } from '@cairn/core';
import type { Logger } from 'pino';
import type { ChangeRefresher } from '../cluster/change-applier.js';
import { WriteBehind, WrittenBehind } from './write-behind.js';

const PRUNE_EVERY_MS = 3_600_000;
/** History records read with a key another node changed: the newest of its main and of each gray version is among them. */
const RECENT_RECORDS = 20;

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
 *
 * In cluster mode it is also the config context's ChangeRefresher: a key another node wrote is read again and
 * memory made to match (events marked `replicated`, which this class does not write back).
 */
export class ConfigPersistence extends WrittenBehind<Dirty> implements ChangeRefresher {
  readonly context = 'config';
  protected readonly writer: WriteBehind<Dirty>;
  private pruner: NodeJS.Timeout | undefined;
  private unsubscribes: Unsubscribe[] = [];
  /** While a key is read again: the keys changed here meanwhile (such a change may be stored already, so not unsaved). */
  private changedHere: Set<string> | undefined;

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
      // A replicated change is another node's, stored already: nothing to write.
      this.events.on('config', (e) => {
        if (e.replicated) return;
        this.changedHere?.add(configKeyString(e));
        this.writer.mark((d) => {
          d.keys.set(configKeyString(e), { namespace: e.namespace, group: e.group, dataId: e.dataId });
          d.history.push(e.history);
        });
      }),
      // Gray versions go through the same dirty set and group commit: one transaction with the rest of the batch.
      this.events.on('config-gray', (e) => {
        if (e.replicated) return;
        this.changedHere?.add(grayDirtyKey(e, e.grayName));
        this.writer.mark((d) => {
          d.grays.set(grayDirtyKey(e, e.grayName), { namespace: e.namespace, group: e.group, dataId: e.dataId, grayName: e.grayName });
          d.history.push(e.history);
        });
      }),
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

  async refresh(keys: readonly unknown[]): Promise<void> {
    // A gray version's key stands for its config: the config and all its gray versions are read again.
    const configs = new Map<string, ConfigKey>();
    for (const raw of keys) {
      const key = configKeyIn(raw);
      if (key) configs.set(configKeyString(key), key);
      else this.log.warn({ key: raw }, 'cluster: a config change names a key of an unknown shape; skipped');
    }
    for (const key of configs.values()) await this.refreshKey(key);
  }

  /** Every config in the database (with a gray version or not) and every one held here. */
  async allKeys(): Promise<ConfigKey[]> {
    const keys = new Map<string, ConfigKey>();
    for (const c of [...(await this.store.loadConfigs()), ...(await this.store.loadGrays()), ...this.center.keys()]) keys.set(configKeyString(c), { namespace: c.namespace, group: c.group, dataId: c.dataId });
    return [...keys.values()];
  }

  private async refreshKey(key: ConfigKey): Promise<void> {
    const changedHere = new Set<string>();
    this.changedHere = changedHere;
    try {
      const [stored, grays, recent] = await Promise.all([this.store.loadConfig(key), this.store.loadGraysOf(key), this.store.historyOf(key, 1, RECENT_RECORDS)]);
      await this.center.historyIdsAbove(recent.items[0]?.id ?? 0);
      // From here to the end in one turn. Left alone: a key changed here and not stored yet (its own write comes next
      // and wins), and one changed here while it was read (what was read may be older than that change).
      const mine = (k: string) => changedHere.has(k) || this.unsaved((d) => d.keys.has(k) || d.grays.has(k));
      if (!mine(configKeyString(key))) {
        const record = recent.items.find((h) => !h.gray);
        this.center.matchStored(key, stored, record && recordOfVersion(record, stored) ? record : undefined);
      }
      const names = new Set([...grays.map((g) => g.grayName), ...this.center.graysOf(key).map((g) => g.grayName)]);
      for (const name of names) {
        if (mine(grayDirtyKey(key, name))) continue;
        const gray = grays.find((g) => g.grayName === name);
        const record = recent.items.find((h) => h.gray?.grayName === name);
        this.center.matchStoredGray(key, name, gray, record && recordOfVersion(record, gray) ? record : undefined);
      }
    } finally {
      this.changedHere = undefined;
    }
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

/** A config change key (ConfigChangeKey) from the change log, as a ConfigKey; undefined when it is not one. */
function configKeyIn(raw: unknown): ConfigKey | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { namespace, group, dataId } = raw as Record<string, unknown>;
  if (typeof namespace !== 'string' || typeof group !== 'string' || typeof dataId !== 'string') return undefined;
  return { namespace, group, dataId };
}

/** Whether a history record is of the change that left `stored` (a publish of its md5, or a delete when gone). */
function recordOfVersion(record: ConfigHistoryRecord, stored: { md5: string } | undefined): boolean {
  return stored ? record.op !== 'D' && record.md5 === stored.md5 : record.op === 'D';
}

function grayDirtyKey(key: ConfigKey, grayName: string): string {
  return `${configKeyString(key)}\u0002${grayName}`;
}
