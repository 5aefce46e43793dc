import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * Where other nodes and clients reach this node: `--cluster-address` when set, else the listening host and the
 * bound port. A wildcard host (0.0.0.0, ::) names no one address, so the machine's first external IPv4 stands in
 * (loopback when it has none); an IPv6 host is bracketed as in a URL.
 */
export function nodeAddress(configured: string, host: string, port: number, interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces): string {
  if (configured !== '') return configured;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const ip = wildcard ? firstExternalIpv4(interfaces()) : host === 'localhost' ? '127.0.0.1' : host;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `host:port` split for Nacos's member JSON (`ip`, `port`); the brackets of an IPv6 host are dropped. */
export function splitAddress(address: string): { ip: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { ip: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

function firstExternalIpv4(all: NodeJS.Dict<NetworkInterfaceInfo[]>): string {
  for (const list of Object.values(all)) {
    const found = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}
