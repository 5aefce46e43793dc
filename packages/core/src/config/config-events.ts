import type { ConfigKey } from './config-key.js';
import type { ConfigAuthor, ConfigHistoryRecord, ConfigOp } from './config-model.js';
import type { GrayRule } from './gray/gray-model.js';

/**
 * A config was published (op I or U) or deleted (D). `md5` is the new fingerprint, `""` after a delete (what a
 * long-polling client sends for a missing config). `historyId` is the history record the change appended.
 */
export interface ConfigChangedEvent extends ConfigKey {
  readonly type: 'config';
  readonly op: ConfigOp;
  readonly md5: string;
  readonly historyId: number;
  readonly author: ConfigAuthor;
  readonly at: number;
  /** The record to append to the stored history (persistence writes it with the change). */
  readonly history: ConfigHistoryRecord;
  /** Set when the publish was a rollback: the history record whose version it restored. */
  readonly restored?: RestoredVersion;
  /** Cluster mode: another node made the change and stored it; this node's memory now matches (nothing to write). */
  readonly replicated?: true;
}

/** A rollback restored the version of history record `historyId` (`md5`) over `previousMd5` (`""`: deleted). */
export interface RestoredVersion {
  readonly historyId: number;
  readonly md5: string;
  readonly previousMd5: string;
}

/**
 * A gray version was published (op I or U), stopped, or promoted to the main version (both op D: the gray version
 * is gone). `md5` is the gray version's new fingerprint, `""` once it is gone. A stop because the main config was
 * deleted says so in `reason`. A promotion also publishes the main version, as its own `config` event before this one.
 */
export interface ConfigGrayChangedEvent extends ConfigKey {
  readonly type: 'config-gray';
  readonly change: 'published' | 'stopped' | 'promoted';
  readonly grayName: string;
  readonly rule: GrayRule;
  readonly op: ConfigOp;
  readonly md5: string;
  readonly historyId: number;
  readonly author: ConfigAuthor;
  readonly at: number;
  readonly reason?: 'config-removed';
  /** The record to append to the stored history (`publishType` gray). */
  readonly history: ConfigHistoryRecord;
  /** Cluster mode: another node made the change and stored it; this node's memory now matches (nothing to write). */
  readonly replicated?: true;
}

export type ConfigEvent = ConfigChangedEvent | ConfigGrayChangedEvent;

/**
 * What a config client did, as the server saw it: the evidence behind "why does this client still run the old
 * version?". `ip` and `agent` name the client (its address and `Client-Version`/`User-Agent`), `via` the request
 * (`POST /nacos/v1/cs/configs/listener`). Published by `ConfigListeners`, which keeps the live table and
 * publishes only what is news (a held md5 once per client and key until it changes, a fetched md5 once).
 */
interface ConfigClientEventBase extends ConfigKey {
  readonly type: 'configClient';
  readonly ip: string;
  readonly agent: string;
  readonly via: string;
  /** The client's `Vipserver-Tag`, when it sent one (tag gray releases select by it). */
  readonly tag?: string;
  readonly at: number;
}

/** A long poll is held: the client holds `md5`, the current version for it. */
export interface ConfigListenerHeldEvent extends ConfigClientEventBase {
  readonly cause: 'CONFIG_LISTENER_HELD';
  readonly md5: string;
  /** How many keys the poll listens to. */
  readonly keys: number;
}

/** A long poll was answered that this key changed: the client held `clientMd5`, the server has `md5`. */
export interface ConfigListenerNotifiedEvent extends ConfigClientEventBase {
  readonly cause: 'CONFIG_LISTENER_NOTIFIED';
  readonly clientMd5: string;
  readonly md5: string;
  /** How long the poll was held before the answer (0: the client's md5 was already stale). */
  readonly heldMs: number;
}

/** The client read the config and was served `md5` (`""`: it does not exist). */
export interface ConfigFetchedEvent extends ConfigClientEventBase {
  readonly cause: 'CONFIG_FETCHED';
  readonly md5: string;
}

export type ConfigClientEvent = ConfigListenerHeldEvent | ConfigListenerNotifiedEvent | ConfigFetchedEvent;
