/**
 * The beta release's IP list as an operator types it (commas, blanks or new lines between addresses), checked
 * before it goes to the server as the `betaIps` header (comma-separated, as Nacos sends it).
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

export function parseIpList(text: string): { ips: string[]; invalid: string[] } {
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const ips = [...new Set(items.filter(isIp))];
  return { ips, invalid: items.filter((s) => !isIp(s)) };
}

export function isIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s) && s.split('::').length <= 2);
}
