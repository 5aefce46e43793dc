import { isIP } from 'node:net';
import { CairnConfigError } from './errors.js';

export const DEFAULT_PORT = 8848;

/** One server of the list, parsed. `host` has no brackets (`::1`, not `[::1]`). */
export interface ServerAddress {
  /** As configured (for messages and stats). */
  label: string;
  host: string;
  port: number;
  /** A path given in a URL (`http://h:1/custom`) replaces the context path for that server. */
  path?: string;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/**
 * Accepts `host`, `host:port`, `[v6]:port`, `v6` and `http://host:port[/path]`.
 * Throws `CairnConfigError('serverAddresses')` naming the bad entry and why.
 */
export function parseServerAddress(raw: string): ServerAddress {
  const label = raw.trim();
  const fail = (why: string) => new CairnConfigError('serverAddresses', `serverAddresses: '${raw}' is not a server address: ${why}`);
  if (label === '') throw fail('it is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(label)) return fromUrl(label, fail);
  if (label.includes('/')) throw fail('use host:port or http://host:port/path');
  if (isIP(label) === 6) return { label, host: label, port: DEFAULT_PORT };
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(label);
  const host = bracket ? bracket[1] : label.split(':')[0];
  const portText = bracket ? bracket[2] : label.includes(':') ? label.slice(label.indexOf(':') + 1) : undefined;
  if (bracket && isIP(host) !== 6) throw fail(`'${host}' in brackets is not an IPv6 address`);
  if (!bracket && !isIP(host) && !HOST_NAME.test(host)) throw fail(`'${host}' is not a valid host name`);
  return { label, host, port: parsePort(portText, fail) };
}

function fromUrl(label: string, fail: (why: string) => CairnConfigError): ServerAddress {
  let url: URL;
  try {
    url = new URL(label);
  } catch {
    throw fail('the URL does not parse');
  }
  if (url.protocol !== 'http:') throw fail(`only http:// is supported, not ${url.protocol}//`);
  if (url.username || url.password) throw fail('put credentials in the username and password options, not in the URL');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw fail('the URL has no host');
  const path = url.pathname.replace(/\/+$/, '');
  return { label, host, port: url.port === '' ? DEFAULT_PORT : Number(url.port), ...(path !== '' ? { path } : {}) };
}

function parsePort(text: string | undefined, fail: (why: string) => CairnConfigError): number {
  if (text === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(text)) throw fail(`port '${text}' is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw fail(`port ${port} is out of range 1-65535`);
  return port;
}

/** `addresses` as an array or a comma-separated string; at least one. */
export function parseServerList(addresses: string[] | string | undefined): ServerAddress[] {
  const list = typeof addresses === 'string' ? addresses.split(',') : addresses;
  if (!Array.isArray(list) || list.length === 0 || list.every((a) => typeof a === 'string' && a.trim() === '')) {
    throw new CairnConfigError('serverAddresses', 'serverAddresses: give at least one server, e.g. ["127.0.0.1:8848"]');
  }
  return list.map((a) => {
    if (typeof a !== 'string') throw new CairnConfigError('serverAddresses', `serverAddresses: entries must be strings, got ${typeof a}`);
    return parseServerAddress(a);
  });
}
