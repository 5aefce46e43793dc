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
}

export type ConfigEvent = ConfigChangedEvent | ConfigGrayChangedEvent;
