import type { ProbeTargetCheck } from '@cairn/core';
import { isNetwork, networkMatcher } from './trusted-proxies.js';

/** One `--probe-targets` entry: a network, and the ports allowed in it (all when absent). */
interface ProbeTargetRule {
  readonly network: string;
  readonly ports?: readonly [number, number];
}

/**
 * `--probe-targets`: a comma list of `NETWORK[@PORTS]`, where NETWORK is an IP address or CIDR range, an IPv6 one
 * optionally in brackets (`[::1]`, `[fd00::]/8`), and PORTS one port or a range (`8080`, `8080-8090`):
 * `127.0.0.0/8,10.0.0.0/8@8080-8090,[::1]@80`. Returns the entries in that form, blanks dropped; or the first bad
 * entry with why.
 */
export function parseProbeTargets(raw: string): { entries: string[]; rules: ProbeTargetRule[] } | { bad: string; why: string } {
  const entries: string[] = [];
  const rules: ProbeTargetRule[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf('@');
    const network = (at < 0 ? entry : entry.slice(0, at)).replace(/^\[([^\]]*)\]/, '$1');
    if (!isNetwork(network)) return { bad: entry, why: 'the network must be an IP address or CIDR range (IPv6 may be in brackets: [::1])' };
    if (at < 0) {
      rules.push({ network });
      entries.push(entry);
      continue;
    }
    const ports = entry.slice(at + 1).match(/^(\d{1,5})(?:-(\d{1,5}))?$/);
    const low = Number(ports?.[1]);
    const high = Number(ports?.[2] ?? ports?.[1]);
    if (!ports || low < 1 || high > 65535 || low > high) return { bad: entry, why: 'after @ comes a port (1 to 65535) or a range low-high' };
    rules.push({ network, ports: [low, high] });
    entries.push(entry);
  }
  return { entries, rules };
}

/**
 * The check the registry and the probe scheduler ask before a probe: an address:port is allowed when some entry's
 * network holds the address and its ports (all when none are given) hold the port. Undefined for an empty list
 * (no limit). The list must have passed `parseProbeTargets` (options validate it at start).
 *
 * @example
 *   const check = probeTargetCheck('127.0.0.0/8@8080-8090');
 *   check?.('127.0.0.1', 8080); // undefined: allowed
 *   check?.('10.0.0.7', 22);    // 'it is outside the probe targets the operator allows (--probe-targets 127.0.0.0/8@8080-8090)'
 */
export function probeTargetCheck(list: string): ProbeTargetCheck | undefined {
  const parsed = parseProbeTargets(list);
  if ('bad' in parsed) throw new Error(`--probe-targets: '${parsed.bad}': ${parsed.why}`);
  if (parsed.rules.length === 0) return undefined;
  const rules = parsed.rules.map((rule) => ({ holds: networkMatcher([rule.network]), ports: rule.ports }));
  const why = `it is outside the probe targets the operator allows (--probe-targets ${parsed.entries.join(',')})`;
  return (ip, port) => (rules.some((r) => r.holds(ip) && (r.ports === undefined || (port >= r.ports[0] && port <= r.ports[1]))) ? undefined : why);
}
