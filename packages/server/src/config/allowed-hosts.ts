import { isIP } from 'node:net';

/** `--allowed-hosts`: a comma list of host names and addresses (IPv6 bare or in brackets), or `*`. */
export function parseAllowedHosts(raw: string): { entries: string[] } | { bad: string } {
  const entries: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim().toLowerCase();
    if (entry === '') continue;
    const bare = entry.replace(/^\[|\]$/g, '');
    if (entry !== '*' && isIP(bare) === 0 && !/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/.test(entry)) return { bad: part.trim() };
    entries.push(entry === '*' || isIP(bare) === 0 ? entry.replace(/\.$/, '') : bare);
  }
  return { entries };
}

/** `--allowed-origins`: a comma list of origins, `scheme://host[:port]` with no path; returned as browsers send them. */
export function parseAllowedOrigins(raw: string): { entries: string[] } | { bad: string } {
  const entries: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return { bad: entry };
    }
    // Only an origin: http or https, a host, maybe a port, nothing after it.
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/$/, '').toLowerCase()) return { bad: entry };
    entries.push(url.origin);
  }
  return { entries };
}
