import type { EventPublisher } from '../shared/event-bus.js';
import { invalidParam, missingParam } from '../shared/errors.js';
import type { Clock } from '../shared/time/clock.js';
import type { ConfigEvent } from './config-events.js';
import { casMismatch } from './config-errors.js';
import { type ConfigKey, configKeyString } from './config-key.js';
import type { ConfigAuthor, ConfigHistoryRecord, ConfigItem, ConfigOp, ConfigType } from './config-model.js';
import { checkAppName, checkDesc, checkTags } from './config-validation.js';
import { md5Hex, utf8 } from './md5.js';

/** Nacos ships 10 MB; Cairn defaults to 100 KB (issue 9): configs are read on every client start and change. */
export const DEFAULT_MAX_CONTENT_BYTES = 100 * 1024;

export interface PublishConfig {
  key: ConfigKey;
  content: string | undefined;
  type: ConfigType;
  appName?: string;
  desc?: string;
  /** Raw `config_tags`. */
  tags?: string;
  /** Compare-and-set: publish only if the current md5 is this one (`""` or absent = no check). */
  casMd5?: string;
}

/** Who reads or listens to a config, as gray releases select by it: the client IP and its `Vipserver-Tag`. */
export interface ConfigClient {
  readonly ip: string;
  readonly tag?: string;
}

export interface ConfigCenterOptions {
  clock: Clock;
  events: EventPublisher<ConfigEvent>;
  maxContentBytes?: number;
}

/**
 * The configuration center's state and commands: current configs keyed by (namespace, group, dataId). Each publish
 * or delete appends a history record and publishes one `config` event, which persistence and the long-poll
 * listeners follow.
 *
 * @example
 *   const center = new ConfigCenter({ clock, events: bus });
 *   center.publish({ key: configKeyOf('app.yaml', 'DEFAULT_GROUP', ''), content: 'a: 1', type: 'yaml' }, author);
 */
export class ConfigCenter {
  private readonly configs = new Map<string, ConfigItem>();
  private lastHistoryId = 0;
  private readonly maxContentBytes: number;

  constructor(private readonly options: ConfigCenterOptions) {
    this.maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  }

  /** Puts stored state back at start, before any command. */
  restore(items: readonly ConfigItem[], lastHistoryId: number): void {
    for (const item of items) this.configs.set(configKeyString(item), item);
    this.lastHistoryId = Math.max(this.lastHistoryId, lastHistoryId);
  }

  get(key: ConfigKey): ConfigItem | undefined {
    return this.configs.get(configKeyString(key));
  }

  /** The md5 a long-polling client compares with: `""` when the config does not exist. */
  md5Of(key: ConfigKey): string {
    return this.get(key)?.md5 ?? '';
  }

  /**
   * The md5 of the version this client would be served (gray aware: a beta or tag version when one matches the
   * client, else the main version); `""` when there is none. Listeners and the diagnosis compare with this.
   */
  md5For(key: ConfigKey, client: ConfigClient): string {
    void client;
    return this.md5Of(key);
  }

  /** The configs of one namespace, ordered by group then dataId. */
  listIn(namespace: string): ConfigItem[] {
    return [...this.configs.values()].filter((c) => c.namespace === namespace).sort((a, b) => (a.group === b.group ? cmp(a.dataId, b.dataId) : cmp(a.group, b.group)));
  }

  /** How many configs a namespace holds. */
  countIn(namespace: string): number {
    let n = 0;
    for (const c of this.configs.values()) if (c.namespace === namespace) n++;
    return n;
  }

  get size(): number {
    return this.configs.size;
  }

  /** Creates or replaces a config (upsert). Throws INVALID_PARAM/MISSING_PARAM or CONFIG_CAS_MISMATCH. */
  publish(input: PublishConfig, author: ConfigAuthor): ConfigItem {
    const content = input.content ?? '';
    if (content.trim() === '') throw missingParam('content');
    const size = utf8(content).length;
    if (size > this.maxContentBytes) throw invalidParam('content', `content is ${size} bytes, over the maximum of ${this.maxContentBytes} bytes`);
    const appName = checkAppName(input.appName);
    const desc = checkDesc(input.desc);
    const tags = checkTags(input.tags);
    const current = this.get(input.key);
    const cas = (input.casMd5 ?? '').trim();
    if (cas !== '' && current?.md5 !== cas) throw casMismatch();
    const now = this.options.clock.now();
    const id = ++this.lastHistoryId;
    const item: ConfigItem = {
      ...pickKey(input.key),
      id: current?.id ?? id,
      content,
      md5: md5Hex(content),
      type: input.type,
      appName,
      desc,
      tags,
      createdAt: current?.createdAt ?? now,
      modifiedAt: now,
      createdBy: current?.createdBy ?? author,
      modifiedBy: author,
    };
    this.configs.set(configKeyString(item), item);
    this.announce(current ? 'U' : 'I', item, item.md5, id, author, now);
    return item;
  }

  /** Deletes a config; deleting one that does not exist changes nothing and is not an error (Nacos answers true). */
  remove(key: ConfigKey, author: ConfigAuthor): boolean {
    const current = this.get(key);
    if (!current) return false;
    this.configs.delete(configKeyString(key));
    const now = this.options.clock.now();
    this.announce('D', current, '', ++this.lastHistoryId, author, now);
    return true;
  }

  private announce(op: ConfigOp, item: ConfigItem, md5: string, id: number, author: ConfigAuthor, at: number): void {
    const history: ConfigHistoryRecord = { ...pickKey(item), id, op, content: item.content, md5: item.md5, appName: item.appName, type: item.type, author, at };
    this.options.events.publish({ type: 'config', ...pickKey(item), op, md5, historyId: id, author, at, history });
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pickKey(key: ConfigKey): ConfigKey {
  return { namespace: key.namespace, group: key.group, dataId: key.dataId };
}
