import { invalidParam, missingParam } from '../../shared/errors.js';
import { canonicalIp } from './ip-address.js';
import type { GrayRule } from './gray-model.js';

// Nacos's ParamUtils: a tag has the dataId charset and at most 16 characters.
const TAG = /^[A-Za-z0-9_.:-]+$/;
const MAX_TAG = 16;
/** A beta list longer than this is an operator's mistake, not a gray release. */
const MAX_BETA_IPS = 1000;

/** A tag gray rule from the wire's `tag`; 400 naming `tag` (Nacos's `invalid tag` / `too long tag, over 16`). */
export function tagRuleOf(raw: string): GrayRule {
  const tag = raw.trim();
  if (tag === '') throw missingParam('tag');
  if (!TAG.test(tag)) throw invalidParam('tag', `invalid tag : ${tag.slice(0, 32)}`);
  if (tag.length > MAX_TAG) throw invalidParam('tag', `too long tag, over ${MAX_TAG}`);
  return { kind: 'tag', tag };
}

/**
 * A beta gray rule from the `betaIps` header: a comma list of IPv4/IPv6 addresses (blanks dropped, duplicates
 * merged, kept in canonical form so they compare with client addresses); 400 naming `betaIps` otherwise.
 */
export function betaRuleOf(raw: string): GrayRule {
  const betaIps: string[] = [];
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const ip = canonicalIp(part);
    if (ip === undefined) throw invalidParam('betaIps', `Header 'betaIps' must be a comma list of IP addresses, got '${part.trim().slice(0, 64)}'.`);
    if (!betaIps.includes(ip)) betaIps.push(ip);
  }
  if (betaIps.length === 0) throw missingParam('betaIps');
  if (betaIps.length > MAX_BETA_IPS) throw invalidParam('betaIps', `Header 'betaIps' lists ${betaIps.length} addresses, over the maximum of ${MAX_BETA_IPS}.`);
  return { kind: 'beta', betaIps };
}

/** A gray name as the Cairn API takes it (`beta` or `tag_<tag>`); 400 naming `grayName` otherwise. */
export function checkGrayName(raw: string | undefined): string {
  const name = (raw ?? '').trim();
  if (name === '') throw missingParam('grayName');
  const tag = name.startsWith('tag_') ? name.slice(4) : undefined;
  if (name === 'beta' || (tag !== undefined && TAG.test(tag) && tag.length <= MAX_TAG)) return name;
  throw invalidParam('grayName', `grayName must be 'beta' or 'tag_<tag>', got '${name.slice(0, 40)}'.`);
}
