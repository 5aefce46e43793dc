import type { ConfigKey } from './config-key.js';
import type { ConfigAuthor, ConfigHistoryRecord, ConfigOp } from './config-model.js';

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
}

/** A rollback restored the version of history record `historyId` (`md5`) over `previousMd5` (`""`: deleted). */
export interface RestoredVersion {
  readonly historyId: number;
  readonly md5: string;
  readonly previousMd5: string;
}

export type ConfigEvent = ConfigChangedEvent;
