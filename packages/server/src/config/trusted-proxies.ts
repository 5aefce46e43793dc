import { canonicalIp } from '@cairn/core';
import { BlockList, isIP } from 'node:net';

/**
 * `--trusted-proxies`: a comma list of IP addresses and CIDR ranges (`10.0.0.1,192.168.0.0/16,::1`). Returns the
 * entries trimmed, blanks dropped; or the first entry that is neither, as `bad`.
 */
export function parseTrustedProxies(raw: string): { entries: string[] } | { bad: string } {
  const entries: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const [ip, prefix, extra] = entry.split('/');
    const family = isIP(ip);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || !prefixOk || extra !== undefined) return { bad: entry };
    entries.push(entry);
  }
  return { entries };
}

/**
 * Whether a socket peer is one of the trusted proxies; an IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) counts as its
 * IPv4 address. Undefined when the list is empty: then no proxy is trusted and forwarded headers are ignored.
 *
 * @example
 *   const trusted = proxyTrust('127.0.0.1,10.0.0.0/8');
 *   trusted?.('10.1.2.3'); // true
 */
export function proxyTrust(list: string): ((address: string) => boolean) | undefined {
  const parsed = parseTrustedProxies(list);
  if ('bad' in parsed || parsed.entries.length === 0) return undefined;
  const blocks = new BlockList();
  for (const entry of parsed.entries) {
    const [ip, prefix] = entry.split('/');
    const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) blocks.addAddress(ip, family);
    else blocks.addSubnet(ip, Number(prefix), family);
  }
  return (address) => {
    const ip = canonicalIp(address) ?? address;
    const family = isIP(ip);
    return family !== 0 && blocks.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}
