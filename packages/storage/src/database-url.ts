import { maskSecrets } from '@cairn/core';
import { isAbsolute, join, resolve } from 'node:path';
import { StorageUrlError } from './errors.js';

/** Where a networked store lives, parsed from its URL. `password` is never put into messages. */
export interface NetworkTarget {
  kind: 'mysql' | 'postgres';
  host: string;
  port: number;
  user: string | undefined;
  password: string;
  database: string | undefined;
  /** The URL with the password masked, for logs and errors. */
  display: string;
  /** `host:port`, with brackets around an IPv6 host. */
  address: string;
}

export type StorageTarget = { kind: 'sqlite'; file: string } | NetworkTarget;

const USAGE = 'use sqlite:<file>, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db';

function decode(part: string, display: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StorageUrlError(`storage URL "${display}" has a malformed %-escape`);
  }
}

/**
 * Reads a storage URL. `sqlite:` paths are relative to the process's working directory; an empty URL or a bare
 * `sqlite:` means `<dataDir>/cairn.db`.
 *
 * @example
 *   parseStorageUrl('postgres://cairn:s3cret@127.0.0.1:5432/cairn', './data').display
 *   // 'postgres://cairn:***@127.0.0.1:5432/cairn'
 */
export function parseStorageUrl(url: string | undefined, dataDir: string): StorageTarget {
  const text = (url ?? '').trim();
  if (text === '') return { kind: 'sqlite', file: resolve(join(dataDir, 'cairn.db')) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1].toLowerCase();
  if (scheme === 'sqlite') return { kind: 'sqlite', file: sqliteFile(text.slice('sqlite:'.length), dataDir) };
  if (scheme === 'mysql') return networkTarget(text, 'mysql', 3306);
  if (scheme === 'postgres' || scheme === 'postgresql') return networkTarget(text, 'postgres', 5432);
  throw new StorageUrlError(`unsupported storage URL "${maskSecrets(text)}": ${USAGE}`);
}

function sqliteFile(rest: string, dataDir: string): string {
  if (rest === ':memory:') return rest;
  // `sqlite:///var/lib/cairn.db` is the URL spelling of an absolute path; `sqlite:./x.db` the short one.
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') return resolve(join(dataDir, 'cairn.db'));
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

function networkTarget(text: string, kind: NetworkTarget['kind'], defaultPort: number): NetworkTarget {
  const display = maskSecrets(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StorageUrlError(`malformed storage URL "${display}": ${USAGE}`);
  }
  if (url.hostname === '') throw new StorageUrlError(`storage URL "${display}" names no host: ${USAGE}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? defaultPort : Number(url.port);
  const user = url.username === '' ? undefined : decode(url.username, display);
  const database = decode(url.pathname.replace(/^\//, ''), display) || undefined;
  if (kind === 'mysql' && user === undefined) throw new StorageUrlError(`storage URL "${display}" names no user: ${USAGE}`);
  if (kind === 'mysql' && database === undefined) throw new StorageUrlError(`storage URL "${display}" names no database: ${USAGE}`);
  if (database?.includes('/')) throw new StorageUrlError(`storage URL "${display}": the database name cannot contain '/'`);
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { kind, host, port, user, password: decode(url.password, display), database, display, address };
}
