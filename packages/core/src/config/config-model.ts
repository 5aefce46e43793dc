import type { ConfigKey } from './config-key.js';
import type { GrayRule } from './gray/gray-model.js';

/** Who changed a config: `claimedUser` is what the request claimed (never trusted), `user` the verified user. */
export interface ConfigAuthor {
  readonly sourceIp: string;
  readonly clientAgent: string;
  readonly claimedUser: string;
  /** The user whose credentials the server verified; absent when the request was not authenticated. */
  readonly user?: string;
}

export const CONFIG_TYPES = ['properties', 'xml', 'json', 'text', 'html', 'yaml', 'toml', 'unset'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** A config's fields besides content, type and appName; a history record of the main version keeps them too. */
export interface ConfigRecordFields {
  readonly desc: string;
  readonly tags: readonly string[];
  /** Nacos's `use`, `effect` and `schema` (free text kept as published; `""` when not given). */
  readonly use: string;
  readonly effect: string;
  readonly schema: string;
  /** The key a client-side encryption filter published the content with, kept verbatim (`""` when none). */
  readonly encryptedDataKey: string;
}

/** The current version of a config. */
export interface ConfigItem extends ConfigKey, ConfigRecordFields {
  /** Stable per key: the history id of the publish that created it. */
  readonly id: number;
  readonly content: string;
  readonly md5: string;
  readonly type: ConfigType;
  readonly appName: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly createdBy: ConfigAuthor;
  readonly modifiedBy: ConfigAuthor;
}

export type ConfigOp = 'I' | 'U' | 'D';

/** One publish or delete, as kept in the history: the content and md5 after an I/U, before a D (as Nacos). */
export interface ConfigHistoryRecord extends ConfigKey {
  readonly id: number;
  readonly op: ConfigOp;
  readonly content: string;
  readonly md5: string;
  readonly appName: string;
  readonly type: ConfigType;
  readonly author: ConfigAuthor;
  readonly at: number;
  /** The main version's other fields (Nacos's `ext_info` and `encrypted_data_key`); absent on gray versions' and older records. */
  readonly fields?: ConfigRecordFields;
  /** Present on a gray version's record (Nacos `publishType` `gray`, `grayName`); absent on the main version's. */
  readonly gray?: { readonly grayName: string; readonly rule: GrayRule };
}
