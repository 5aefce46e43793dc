import { isIP } from 'node:net';

/** Where the CLI finds the server: `--server`, else `CAIRN_SERVER`, else this. */
export const DEFAULT_SERVER = '127.0.0.1:8848';
export const DEFAULT_PORT = 8848;
export const DEFAULT_CONTEXT_PATH = '/nacos';

export interface ServerAddress {
  /** What the user wrote. */
  input: string;
  /** Host name or IP literal, without IPv6 brackets. */
  host: string;
  /** 4 or 6 for an IP literal, 0 for a name that needs DNS. */
  ipVersion: 0 | 4 | 6;
  port: number;
  /** `/nacos` unless the address names a path; `''` for a server at the root. */
  contextPath: string;
  /** `host:port`, IPv6 in brackets: what the SDK is given. */
  hostPort: string;
  /** `http://host:port/nacos`: every API path is appended to this. */
  baseUrl: string;
}

/** A `--server` value that cannot be used; the message says what is wrong with it. */
export class AddressError extends Error {
  override name = 'AddressError';
}

const EXAMPLES = 'write it as host:port, e.g. 127.0.0.1:8848, [::1]:8848 or http://registry.internal:8848/nacos';
// RFC 1123 labels; underscores appear in real internal names, so they are let through.
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Parses `host`, `host:port`, `[v6]:port` or a URL `http(s)://host[:port][/context-path]`. A missing port is 8848
 * and a missing path `/nacos`, as Nacos clients assume; `http://host:8848/` is a server at the root.
 */
export function parseServerAddress(input: string): ServerAddress {
  const text = input.trim();
  if (text === '') throw new AddressError(`the address is empty: ${EXAMPLES}`);
  if (/\s/.test(text)) throw new AddressError(`'${input}' contains a space: ${EXAMPLES}`);
  if (text.includes(',')) throw new AddressError(`'${input}' names several servers; give one address: ${EXAMPLES}`);

  let rest = text;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (schemeMatch) {
    const name = schemeMatch[1].toLowerCase();
    // The SDK, and so every naming command, speaks plain HTTP as Nacos clients do.
    if (name !== 'http') throw new AddressError(`'${input}' uses the scheme '${name}://'; Cairn and its clients speak http://`);
    rest = text.slice(schemeMatch[0].length);
  } else if (/^[a-z][a-z0-9+.-]*:\/[^/]/i.test(text)) {
    throw new AddressError(`'${input}' looks like a URL with one slash; ${EXAMPLES}`);
  }
  if (/[?#]/.test(rest)) throw new AddressError(`'${input}' has a query or fragment; ${EXAMPLES}`);

  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (authority.includes('@')) throw new AddressError(`'${input}' carries credentials in the address; pass them with --username and --password instead`);
  const { host, portText } = splitHostPort(authority, input);
  const ipVersion = isIP(host) as 0 | 4 | 6;
  if (ipVersion === 0) checkHostName(host, input);
  const port = portText === undefined ? DEFAULT_PORT : parsePort(portText, input);
  // No path means Nacos's `/nacos`; a lone `/` is a server run with `--context-path /`.
  const contextPath = path === '' ? DEFAULT_CONTEXT_PATH : path.replace(/\/+$/, '');
  const hostForUrl = ipVersion === 6 ? `[${host}]` : host;
  return { input, host, ipVersion, port, contextPath, hostPort: `${hostForUrl}:${port}`, baseUrl: `http://${hostForUrl}:${port}${contextPath}` };
}

/** The address as a `--server` value with another context path (`''` = the root). */
export function withContextPath(address: ServerAddress, contextPath: string): string {
  return `http://${address.hostPort}${contextPath === '' ? '/' : contextPath}`;
}

/** The server address to use: the flag, else the environment variable, else the default. */
export function serverAddressFrom(flag: string | undefined, env: Record<string, string | undefined>): string {
  return flag ?? (env.CAIRN_SERVER?.trim() ? env.CAIRN_SERVER : DEFAULT_SERVER);
}

function splitHostPort(authority: string, input: string): { host: string; portText: string | undefined } {
  if (authority === '') throw new AddressError(`'${input}' has no host: ${EXAMPLES}`);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new AddressError(`'${input}' opens '[' without closing it: ${EXAMPLES}`);
    const host = authority.slice(1, close);
    if (isIP(host) !== 6) throw new AddressError(`'${host}' in brackets is not an IPv6 address: ${EXAMPLES}`);
    const after = authority.slice(close + 1);
    if (after === '') return { host, portText: undefined };
    if (!after.startsWith(':')) throw new AddressError(`'${input}' has '${after}' after the IPv6 address: ${EXAMPLES}`);
    return { host, portText: after.slice(1) };
  }
  const colons = authority.split(':').length - 1;
  if (colons > 1) {
    // A bare IPv6 literal has no room for a port; with one it is ambiguous.
    if (isIP(authority) === 6) return { host: authority, portText: undefined };
    throw new AddressError(`'${authority}' has several ':'; write an IPv6 address in brackets, e.g. [::1]:8848`);
  }
  if (colons === 0) return { host: authority, portText: undefined };
  const colon = authority.indexOf(':');
  const host = authority.slice(0, colon);
  if (host === '') throw new AddressError(`'${input}' has no host before ':': ${EXAMPLES}`);
  return { host, portText: authority.slice(colon + 1) };
}

function parsePort(text: string, input: string): number {
  if (!/^\d+$/.test(text)) throw new AddressError(`port '${text}' in '${input}' is not a number: ${EXAMPLES}`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new AddressError(`port ${text} in '${input}' is out of range: a port is 1 to 65535 (Cairn's default is 8848)`);
  return port;
}

function checkHostName(host: string, input: string): void {
  if (/^[\d.]+$/.test(host)) throw new AddressError(`'${host}' in '${input}' is not a valid IPv4 address (four numbers 0-255 separated by dots)`);
  if (!HOST_NAME.test(host)) throw new AddressError(`'${host}' in '${input}' is not a valid host name (letters, digits, '-' and '.')`);
}
