import type { ConfigKey } from '../config-key.js';
import type { ConfigAuthor, ConfigType } from '../config-model.js';

/** Nacos's limit on gray versions per config (`nacos.config.gray.version.max.count`, default 10). */
export const MAX_GRAYS_PER_CONFIG = 10;

/**
 * Who a gray version is served to: a beta version to the listed client IPs (canonical text), a tag version to
 * clients that send the tag (`Vipserver-Tag` header, or the `tag` parameter of a read).
 */
export type GrayRule = { readonly kind: 'beta'; readonly betaIps: readonly string[] } | { readonly kind: 'tag'; readonly tag: string };

/** A gray version of a config: served instead of the main version to the clients its rule matches. */
export interface ConfigGray extends ConfigKey {
  /** `beta`, or `tag_<tag>` (Nacos 2.5's `gray_name`); one gray version per name. */
  readonly grayName: string;
  readonly rule: GrayRule;
  /** Stable per gray name: the history id of the publish that created it. */
  readonly id: number;
  readonly content: string;
  readonly md5: string;
  readonly type: ConfigType;
  readonly appName: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly modifiedBy: ConfigAuthor;
}

/** The gray name Nacos 2.5 stores a rule under: `beta`, or `tag_<tag>`. */
export function grayNameOf(rule: GrayRule): string {
  return rule.kind === 'beta' ? 'beta' : `tag_${rule.tag}`;
}

/** Nacos's priorities (BetaGrayRule, TagGrayRule): a beta version wins over a tag version for the same client. */
export function grayPriority(rule: GrayRule): number {
  return rule.kind === 'beta' ? 2 : 1;
}

/** The rule's expression as Nacos keeps it (`gray_rule.expr`): the beta IPs comma-joined, or the tag. */
export function grayExpr(rule: GrayRule): string {
  return rule.kind === 'beta' ? rule.betaIps.join(',') : rule.tag;
}
