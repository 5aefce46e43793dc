import type { ConfigKey } from '../config-key.js';
import type { ConfigHistoryRecord, ConfigItem } from '../config-model.js';
import type { ConfigGray } from '../gray/gray-model.js';

/** A gray version's identity: its config's key and its gray name. */
export interface GrayKey extends ConfigKey {
  readonly grayName: string;
}

/**
 * A key in cluster mode's change log for the config context: a config (no `grayName`) or one of its gray versions.
 * The node that wrote it names every config and gray version it saved or removed; the others re-read them.
 */
export interface ConfigChangeKey extends ConfigKey {
  readonly grayName?: string;
}

/** A block of history ids reserved for one node: `first` to `last`, both included, handed out to no one else. */
export interface HistoryIdBlock {
  readonly first: number;
  readonly last: number;
}

/** Current configs and gray versions to save or delete and history records to append, written together. */
export interface ConfigWriteBatch {
  readonly save: readonly ConfigItem[];
  readonly remove: readonly ConfigKey[];
  readonly history: readonly ConfigHistoryRecord[];
  /** Gray versions to save (upsert by key and gray name). */
  readonly saveGrays?: readonly ConfigGray[];
  readonly removeGrays?: readonly GrayKey[];
}

export interface HistoryPage {
  readonly total: number;
  readonly items: ConfigHistoryRecord[];
}

/**
 * The port durable storage implements for config. Every write resolves once it is committed and durable. History
 * ids are assigned by core (one sequence restored from `lastHistoryId()`, or blocks from `reserveHistoryIds` in
 * cluster mode), so a batch needs no generated keys.
 *
 * @example
 *   const { config } = await openStores('sqlite:./data/cairn.db', './data'); // from @cairn/storage
 *   const items = await config.loadConfigs();
 */
export interface ConfigStore {
  /** Every current config, ordered by (namespace, group, dataId). */
  loadConfigs(): Promise<ConfigItem[]>;
  /** Every gray version, ordered by (namespace, group, dataId, grayName). */
  loadGrays(): Promise<ConfigGray[]>;
  /** The largest history id ever stored, 0 when none. */
  lastHistoryId(): Promise<number>;
  /** One config as stored now (cluster mode re-reads a key another node changed). */
  loadConfig(key: ConfigKey): Promise<ConfigItem | undefined>;
  /** One config's gray versions as stored now, ordered by gray name. */
  loadGraysOf(key: ConfigKey): Promise<ConfigGray[]>;
  /**
   * Reserves `count` history ids for this node from the database's counter: above every id stored and every
   * block reserved before, by any node (cluster mode; a standalone node counts from `lastHistoryId()`).
   */
  reserveHistoryIds(count: number): Promise<HistoryIdBlock>;
  /** Saves (upsert by key) and deletes current configs and gray versions and appends history, in one transaction. */
  writeConfigs(batch: ConfigWriteBatch): Promise<void>;
  /** One key's history, newest first; `page` counts from 1. */
  historyOf(key: ConfigKey, page: number, pageSize: number): Promise<HistoryPage>;
  historyById(id: number): Promise<ConfigHistoryRecord | undefined>;
  /** The record of the same key just before `id`, if any. */
  previousHistory(id: number): Promise<ConfigHistoryRecord | undefined>;
  /** Drops history records older than `before`. */
  pruneHistory(before: number): Promise<void>;
}
