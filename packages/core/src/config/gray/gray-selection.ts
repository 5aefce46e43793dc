import type { ConfigClient } from '../config-center.js';
import type { ConfigItem } from '../config-model.js';
import { type ConfigGray, type GrayRule, grayNameOf, grayPriority, MAX_GRAYS_PER_CONFIG } from './gray-model.js';
import { canonicalIp } from './ip-address.js';
import { grayOverMaxCount } from './gray-errors.js';

/** The version a read serves: the content and md5 of the main version, or of the gray version that matched. */
export interface ServedConfig {
  readonly content: string;
  readonly md5: string;
  readonly type: ConfigItem['type'];
  readonly modifiedAt: number;
  /** The key the content was encrypted with by a client-side filter (`""` when none; gray versions keep none). */
  readonly encryptedDataKey: string;
  /** The gray version served instead of the main one, if any. */
  readonly gray?: ConfigGray;
  /** The version object served (the main item or the gray version): a new object per publish, so answers can be cached by it. */
  readonly version: ConfigItem | ConfigGray;
}

/** Gray versions in the order they are tried: by priority (beta before tags, as Nacos), then by name. */
export function byPriority(grays: Iterable<ConfigGray>): ConfigGray[] {
  return [...grays].sort((a, b) => grayPriority(b.rule) - grayPriority(a.rule) || (a.grayName < b.grayName ? -1 : a.grayName > b.grayName ? 1 : 0));
}

/** Whether a gray version's rule selects this client (a beta list by the client's IP, a tag by the client's tag). */
export function grayMatches(gray: ConfigGray, client: ConfigClient): boolean {
  if (gray.rule.kind === 'beta') return gray.rule.betaIps.includes(canonicalIp(client.ip) ?? client.ip);
  return client.tag !== undefined && client.tag === gray.rule.tag;
}

/**
 * The selection rule as one pure step (Nacos 2.5's GrayRuleMatchHandler then SpecialTagNotFoundHandler): the first
 * gray version, in priority order, whose rule matches the client; else the main version. A read that names a tag
 * explicitly (`tag` parameter, `explicitTag`) and matches no gray version is served nothing, as Nacos answers 404.
 *
 * @example
 *   serve(main, byPriority(grays), { ip: '10.0.0.7' })?.gray?.grayName; // 'beta' when 10.0.0.7 is in the beta list
 */
export function serve(main: ConfigItem | undefined, sortedGrays: readonly ConfigGray[], client: ConfigClient, explicitTag = false): ServedConfig | undefined {
  const gray = sortedGrays.find((g) => grayMatches(g, client));
  if (gray) return { content: gray.content, md5: gray.md5, type: gray.type, modifiedAt: gray.modifiedAt, encryptedDataKey: '', gray, version: gray };
  if (explicitTag || !main) return undefined;
  return { content: main.content, md5: main.md5, type: main.type, modifiedAt: main.modifiedAt, encryptedDataKey: main.encryptedDataKey, version: main };
}

/**
 * The publish rule of gray versions: a new gray name is refused once a config has `MAX_GRAYS_PER_CONFIG`
 * (CONFIG_GRAY_OVER_MAX_COUNT); publishing an existing name replaces it (op `U`), a new one creates it (`I`).
 */
export function grayPublishOp(existing: ReadonlyMap<string, ConfigGray> | undefined, rule: GrayRule): 'I' | 'U' {
  if (existing?.has(grayNameOf(rule))) return 'U';
  if ((existing?.size ?? 0) >= MAX_GRAYS_PER_CONFIG) throw grayOverMaxCount(MAX_GRAYS_PER_CONFIG, rule.kind === 'beta' ? 'betaIps' : 'tag');
  return 'I';
}
