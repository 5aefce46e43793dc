import { canonicalIp } from '@cairn/core';
import { BlockList, isIP } from 'node:net';

/** Whether `entry` is an IP address or a CIDR range (`10.0.0.1`, `192.168.0.0/16`, `fd00::/8`). */
export function isNetwork(entry: string): boolean {
  const [ip, prefix, extra] = entry.split('/');
  const family = isIP(ip);
  const max = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
  return family !== 0 && prefixOk && extra === undefined;
}

/**
 * Whether an address lies in one of the networks (each checked with `isNetwork`); an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) counts as its IPv4 address.
 */
export function networkMatcher(networks: readonly string[]): (address: string) => boolean {
  const blocks = new BlockList();
  for (const entry of networks) {
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

/**
 * `--trusted-proxies`: a comma list of IP addresses and CIDR ranges (`10.0.0.1,192.168.0.0/16,::1`). Returns the
 * entries trimmed, blanks dropped; or the first entry that is neither, as `bad`.
 */
export function parseTrustedProxies(raw: string): { entries: string[] } | { bad: string } {
  const entries: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    if (!isNetwork(entry)) return { bad: entry };
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
  return networkMatcher(parsed.entries);
}
