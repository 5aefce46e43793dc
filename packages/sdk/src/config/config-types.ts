/** The public data types of the config client: plain data, safe to log and compare. */

/** Nacos config types; the server answers `text` for an unknown or absent type. */
export type ConfigType = 'properties' | 'xml' | 'json' | 'text' | 'html' | 'yaml' | 'toml' | 'unset';

/** One config as read. */
export interface ConfigValue {
  dataId: string;
  group: string;
  /** The Nacos tenant: `''` is the default (public) namespace. */
  namespace: string;
  content: string;
  /** Lower-case hex MD5 of the UTF-8 content. */
  md5: string;
  type: string;
  /** True when no server could be reached and this is the local snapshot of the last successful read. */
  fromSnapshot: boolean;
}

/** What a watch yields: the new version, or `deleted` with `content: null` when the config was removed. */
export interface ConfigChange {
  dataId: string;
  group: string;
  namespace: string;
  content: string | null;
  /** `''` when deleted. */
  md5: string;
  type: string;
  deleted: boolean;
}

export type ConfigListener = (change: ConfigChange) => void;

export interface PublishOptions {
  /** Config type; the server stores `text` when absent. */
  type?: string;
  /** Compare-and-set: publish only if the stored content still has this MD5 (`CairnConflictError` otherwise). */
  casMd5?: string;
  /** The author recorded in the history (`src_user`) for this publish; default the client's `srcUser`. */
  srcUser?: string;
  /**
   * Publish a beta gray version instead of the main one: served only to clients with these IPs (header `betaIps`).
   * With `casMd5`, the comparison is with the beta version's MD5.
   */
  betaIps?: readonly string[];
  /** Publish a tag gray version instead of the main one: served to clients sending `Vipserver-Tag: <tag>`. */
  tag?: string;
}

/** One version in a config's history, newest first. */
export interface ConfigHistoryEntry {
  /** The history id (`nid`). */
  id: string;
  dataId: string;
  group: string;
  namespace: string;
  /** `I` insert, `U` update, `D` delete, as Nacos records them. */
  op: string;
  /** Which version the record is of: `main`, or a gray version's name (`beta`, `tag_<tag>`). */
  version: string;
  md5: string;
  content: string;
  /** ISO-8601 time of the change. */
  at: string;
  /** The user the change claimed (`src_user`), `''` when none. */
  author: string;
  sourceIp: string;
}

export interface HistoryPage {
  total: number;
  pageNo: number;
  entries: ConfigHistoryEntry[];
}
