import type { EventPublisher } from '../shared/event-bus.js';
import { invalidParam, missingParam } from '../shared/errors.js';
import type { Clock } from '../shared/time/clock.js';
import type { ConfigEvent, RestoredVersion } from './config-events.js';
import { casMismatch } from './config-errors.js';
import { type ConfigKey, configKeyString } from './config-key.js';
import type { ConfigAuthor, ConfigHistoryRecord, ConfigItem, ConfigOp, ConfigType } from './config-model.js';
import { type ConfigSearch, searchConfigs } from './config-search.js';
import { type CheckedConfigFields, type ConfigFieldsInput, checkConfigFields, refuseGrayEncryptedDataKey } from './config-fields.js';
import { checkAppName, checkDesc, checkTags } from './config-validation.js';
import { grayNotFound } from './gray/gray-errors.js';
import { type ConfigGray, type GrayRule, grayNameOf } from './gray/gray-model.js';
import { grayMatches, grayPublishOp, type ServedConfig, serve } from './gray/gray-selection.js';
import { GrayVersions } from './gray/gray-versions.js';
import type { HistoryIdSource } from './history-ids.js';
import { md5Hex, utf8 } from './md5.js';

/** Nacos ships 10 MB; Cairn defaults to 100 KB (issue 9): configs are read on every client start and change. */
export const DEFAULT_MAX_CONTENT_BYTES = 100 * 1024;

export interface PublishConfig extends ConfigFieldsInput {
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

/** A gray version to publish: served instead of the main version to the clients `rule` selects. */
export interface PublishGray {
  key: ConfigKey;
  rule: GrayRule;
  content: string | undefined;
  type: ConfigType;
  appName?: string;
  /** Refused when given: a gray version keeps no encryption key (see `refuseGrayEncryptedDataKey`). */
  encryptedDataKey?: string;
  /** Compare-and-set against the gray version's current md5 (as Nacos's `insertOrUpdateGrayCas`). */
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
  /** Cluster mode: ids reserved in the shared database (`ReservedHistoryIds`); without it, a counter from `restore`. */
  historyIds?: HistoryIdSource;
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
  private readonly grays = new GrayVersions();
  private lastHistoryId = 0;
  private readonly maxContentBytes: number;

  constructor(private readonly options: ConfigCenterOptions) {
    this.maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  }

  /** Puts stored state back at start, before any command. */
  restore(items: readonly ConfigItem[], lastHistoryId: number, grays: readonly ConfigGray[] = []): void {
    for (const item of items) this.configs.set(configKeyString(item), item);
    for (const gray of grays) this.grays.set(gray);
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
    // Asked once per held poll on every change: answered without building the served version.
    for (const gray of this.grays.of(key)) if (grayMatches(gray, client)) return gray.md5;
    return this.get(key)?.md5 ?? '';
  }

  /**
   * What a read by this client is served: the matching gray version, else the main version; undefined when there
   * is none. `explicitTag`: the read named its tag as a parameter, so no match is served nothing (Nacos's 404).
   */
  resolve(key: ConfigKey, client: ConfigClient, explicitTag = false): ServedConfig | undefined {
    return serve(this.get(key), this.grays.of(key), client, explicitTag);
  }

  /** A config's gray versions, in the order the selection rule tries them (beta first, then tags by name). */
  graysOf(key: ConfigKey): readonly ConfigGray[] {
    return this.grays.of(key);
  }

  grayOf(key: ConfigKey, grayName: string): ConfigGray | undefined {
    return this.grays.get(key, grayName);
  }

  /** The key of every config held and of every config with a gray version (cluster mode's reload reads them all again). */
  keys(): ConfigKey[] {
    const keys = new Map<string, ConfigKey>();
    for (const c of [...this.configs.values(), ...this.grays.all()]) keys.set(configKeyString(c), { namespace: c.namespace, group: c.group, dataId: c.dataId });
    return [...keys.values()];
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

  /** The configs a `search=accurate|blur` finds, oldest first. */
  search(search: ConfigSearch): ConfigItem[] {
    return searchConfigs(this.configs.values(), search);
  }

  /** The configs with these ids (`ConfigItem.id`), in the order asked; unknown ids are left out. */
  withIds(ids: readonly number[]): ConfigItem[] {
    const byId = new Map<number, ConfigItem>();
    const wanted = new Set(ids);
    for (const c of this.configs.values()) if (wanted.has(c.id)) byId.set(c.id, c);
    return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
  }

  /** Throws what `publish` would throw for this input's fields (not for its compare-and-set); changes nothing. */
  check(input: PublishConfig): void {
    this.validated(input);
  }

  /** Creates or replaces a config (upsert). Throws INVALID_PARAM/MISSING_PARAM or CONFIG_CAS_MISMATCH. */
  publish(input: PublishConfig, author: ConfigAuthor): ConfigItem {
    return this.publishVersion(input, author, undefined);
  }

  /**
   * Publishes the version a history record holds (its content, type, appName and the encryptedDataKey its content
   * was published with; desc, tags, use, effect and schema stay as they are)
   * as a new version of the record's config: op U, or I when the config was deleted meanwhile. The event says
   * which record was restored over which md5 (`CONFIG_ROLLED_BACK` in the journal).
   */
  rollback(record: ConfigHistoryRecord, author: ConfigAuthor): ConfigItem {
    // A gray version's record holds gray content: restoring it as the main version would publish it to everyone.
    if (record.gray) throw invalidParam('nid', `history ${record.id} is a record of the gray version '${record.gray.grayName}', not of the main version; publish it as a gray version or promote a gray version instead`);
    const key = pickKey(record);
    const current = this.get(key);
    const restored: RestoredVersion = { historyId: record.id, md5: record.md5, previousMd5: current?.md5 ?? '' };
    const kept = { desc: current?.desc, tags: current?.tags.join(','), use: current?.use, effect: current?.effect, schema: current?.schema };
    return this.publishVersion({ key, content: record.content, type: record.type, appName: record.appName, ...kept, encryptedDataKey: record.fields?.encryptedDataKey }, author, restored);
  }

  private validated(input: PublishConfig): { content: string; appName: string; desc: string; tags: string[]; fields: CheckedConfigFields } {
    const content = this.checkContent(input.content);
    return { content, appName: checkAppName(input.appName), desc: checkDesc(input.desc), tags: checkTags(input.tags), fields: checkConfigFields(input) };
  }

  private publishVersion(input: PublishConfig, author: ConfigAuthor, restored: RestoredVersion | undefined): ConfigItem {
    const { content, appName, desc, tags, fields } = this.validated(input);
    const current = this.get(input.key);
    const cas = (input.casMd5 ?? '').trim();
    if (cas !== '' && current?.md5 !== cas) throw casMismatch();
    const now = this.options.clock.now();
    const id = this.nextHistoryId();
    const item: ConfigItem = {
      namespace: input.key.namespace,
      group: input.key.group,
      dataId: input.key.dataId,
      id: current?.id ?? id,
      content,
      md5: md5Hex(content),
      type: input.type,
      appName,
      desc,
      tags,
      ...fields,
      createdAt: current?.createdAt ?? now,
      modifiedAt: now,
      createdBy: current?.createdBy ?? author,
      modifiedBy: author,
    };
    this.configs.set(configKeyString(item), item);
    this.announce(current ? 'U' : 'I', item, item.md5, id, author, now, restored);
    return item;
  }

  /**
   * Deletes a config and its gray versions (Nacos 2.5 stops serving them at once but leaves their rows, which come
   * back after a restart; Cairn removes them). Deleting one that does not exist is not an error (Nacos answers true).
   */
  remove(key: ConfigKey, author: ConfigAuthor): boolean {
    for (const gray of this.grays.of(key)) this.dropGray(gray, 'stopped', author, 'config-removed');
    const current = this.get(key);
    if (!current) return false;
    this.configs.delete(configKeyString(key));
    const now = this.options.clock.now();
    this.announce('D', current, '', this.nextHistoryId(), author, now);
    return true;
  }

  /**
   * Publishes (creates or replaces) a gray version. Throws INVALID_PARAM/MISSING_PARAM, CONFIG_CAS_MISMATCH, or
   * CONFIG_GRAY_OVER_MAX_COUNT for an 11th gray name. The main version need not exist (as in Nacos).
   */
  publishGray(input: PublishGray, author: ConfigAuthor): ConfigGray {
    const content = this.checkContent(input.content);
    const appName = checkAppName(input.appName);
    refuseGrayEncryptedDataKey(input.encryptedDataKey);
    const grayName = grayNameOf(input.rule);
    const current = this.grays.get(input.key, grayName);
    const cas = (input.casMd5 ?? '').trim();
    if (cas !== '' && current?.md5 !== cas) throw casMismatch();
    const op = grayPublishOp(this.grays.namesOf(input.key), input.rule);
    const now = this.options.clock.now();
    const id = this.nextHistoryId();
    const gray: ConfigGray = {
      namespace: input.key.namespace,
      group: input.key.group,
      dataId: input.key.dataId,
      grayName,
      rule: input.rule,
      id: current?.id ?? id,
      content,
      md5: md5Hex(content),
      type: input.type,
      appName,
      createdAt: current?.createdAt ?? now,
      modifiedAt: now,
      modifiedBy: author,
    };
    this.grays.set(gray);
    this.announceGray('published', op, gray, gray.md5, id, author, now);
    return gray;
  }

  /** Stops (deletes) a gray version; its clients get the main version again. False when there was none. */
  stopGray(key: ConfigKey, grayName: string, author: ConfigAuthor): boolean {
    const gray = this.grays.get(key, grayName);
    if (!gray) return false;
    this.dropGray(gray, 'stopped', author);
    return true;
  }

  /**
   * Promotes a gray version: publishes its content as the main version (keeping the main version's appName, desc,
   * tags, use, effect and schema; no encryptedDataKey, as a gray version has none), then removes the gray version. Throws CONFIG_GRAY_NOT_FOUND when there is no such gray version.
   */
  promoteGray(key: ConfigKey, grayName: string, author: ConfigAuthor): ConfigItem {
    const gray = this.grays.get(key, grayName);
    if (!gray) throw grayNotFound(grayName);
    const main = this.get(key);
    const kept = { desc: main?.desc, tags: main?.tags.join(','), use: main?.use, effect: main?.effect, schema: main?.schema };
    const item = this.publish({ key, content: gray.content, type: gray.type, appName: main?.appName ?? gray.appName, ...kept }, author);
    this.dropGray(gray, 'promoted', author);
    return item;
  }

  private dropGray(gray: ConfigGray, change: 'stopped' | 'promoted', author: ConfigAuthor, reason?: 'config-removed'): void {
    this.grays.delete(gray, gray.grayName);
    this.announceGray(change, 'D', gray, '', this.nextHistoryId(), author, this.options.clock.now(), reason);
  }

  /**
   * Cluster mode: makes this key's main version what the database holds (`stored`; undefined: deleted), as another
   * node wrote it, and publishes the usual `config` event marked `replicated` (long polls, pushes and the journal
   * react; persistence writes nothing back). `record`: the stored history record of that change, when found. Nothing
   * happens when memory already holds that version, so re-applying a change is harmless.
   */
  matchStored(key: ConfigKey, stored: ConfigItem | undefined, record: ConfigHistoryRecord | undefined): void {
    const current = this.get(key);
    if (current === stored || (current && stored && current.md5 === stored.md5 && current.modifiedAt === stored.modifiedAt)) return;
    if (stored) this.configs.set(configKeyString(key), stored);
    else this.configs.delete(configKeyString(key));
    const shown = stored ?? current;
    if (!shown) return;
    const op: ConfigOp = !stored ? 'D' : current ? 'U' : 'I';
    const history = record ?? this.recordOf(op, shown, stored ? stored.modifiedBy : shown.modifiedBy, stored ? stored.modifiedAt : this.options.clock.now(), 0);
    this.options.events.publish({ type: 'config', ...pickKey(key), op, md5: stored?.md5 ?? '', historyId: history.id, author: history.author, at: history.at, history, replicated: true });
  }

  /** `matchStored` for one gray version: publishes a `config-gray` event (`published`, or `stopped` when gone). */
  matchStoredGray(key: ConfigKey, grayName: string, stored: ConfigGray | undefined, record: ConfigHistoryRecord | undefined): void {
    const current = this.grays.get(key, grayName);
    if (current === stored || (current && stored && current.md5 === stored.md5 && current.modifiedAt === stored.modifiedAt)) return;
    if (stored) this.grays.set(stored);
    else if (current) this.grays.delete(current, grayName);
    const shown = stored ?? current;
    if (!shown) return;
    const op: ConfigOp = !stored ? 'D' : current ? 'U' : 'I';
    const at = record?.at ?? (stored ? stored.modifiedAt : this.options.clock.now());
    const history = record ?? this.grayRecordOf(op, shown, shown.modifiedBy, at, 0);
    const { rule } = shown;
    this.options.events.publish({ type: 'config-gray', ...pickKey(key), change: stored ? 'published' : 'stopped', grayName, rule, op, md5: stored?.md5 ?? '', historyId: history.id, author: history.author, at, history, replicated: true });
  }

  /** Cluster mode: every later history id is larger than `id`, the newest record another node wrote for a key. */
  async historyIdsAbove(id: number): Promise<void> {
    if (this.options.historyIds) await this.options.historyIds.above(id);
    else this.lastHistoryId = Math.max(this.lastHistoryId, id);
  }

  private nextHistoryId(): number {
    return this.options.historyIds ? this.options.historyIds.next() : ++this.lastHistoryId;
  }

  private checkContent(raw: string | undefined): string {
    const content = raw ?? '';
    if (content.trim() === '') throw missingParam('content');
    const size = utf8(content).length;
    if (size > this.maxContentBytes) throw invalidParam('content', `content is ${size} bytes, over the maximum of ${this.maxContentBytes} bytes`);
    return content;
  }

  private announceGray(change: 'published' | 'stopped' | 'promoted', op: ConfigOp, gray: ConfigGray, md5: string, id: number, author: ConfigAuthor, at: number, reason?: 'config-removed'): void {
    const { grayName, rule } = gray;
    const history = this.grayRecordOf(op, gray, author, at, id);
    this.options.events.publish({ type: 'config-gray', ...pickKey(gray), change, grayName, rule, op, md5, historyId: id, author, at, ...(reason ? { reason } : {}), history });
  }

  private announce(op: ConfigOp, item: ConfigItem, md5: string, id: number, author: ConfigAuthor, at: number, restored?: RestoredVersion): void {
    const history = this.recordOf(op, item, author, at, id);
    this.options.events.publish({ type: 'config', ...pickKey(item), op, md5, historyId: id, author, at, history, ...(restored ? { restored } : {}) });
  }

  private recordOf(op: ConfigOp, item: ConfigItem, author: ConfigAuthor, at: number, id: number): ConfigHistoryRecord {
    const fields = { desc: item.desc, tags: item.tags, use: item.use, effect: item.effect, schema: item.schema, encryptedDataKey: item.encryptedDataKey };
    return { namespace: item.namespace, group: item.group, dataId: item.dataId, id, op, content: item.content, md5: item.md5, appName: item.appName, type: item.type, author, at, fields };
  }

  private grayRecordOf(op: ConfigOp, gray: ConfigGray, author: ConfigAuthor, at: number, id: number): ConfigHistoryRecord {
    const { grayName, rule } = gray;
    return { namespace: gray.namespace, group: gray.group, dataId: gray.dataId, id, op, content: gray.content, md5: gray.md5, appName: gray.appName, type: gray.type, author, at, gray: { grayName, rule } };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pickKey(key: ConfigKey): ConfigKey {
  return { namespace: key.namespace, group: key.group, dataId: key.dataId };
}
