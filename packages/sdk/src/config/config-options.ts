import { CairnConfigError } from '../errors.js';
import { resolveOptions, type ResolvedOptions } from '../resolved-options.js';
import type { ClientClock, ClientLogger, LookupFunction } from '../types.js';

export interface ConfigClientOptions {
  /** `host:port`, `host` (port 8848) or `http://host:port` URLs. At least one. */
  serverAddresses: string[] | string;
  /**
   * `http` (default): the Nacos config API v1, watches by long polling. `grpc`: Nacos 2.x gRPC on each server's
   * port + `grpcPortOffset`; reads, publishes and removals over one connection, watches pushed by the server.
   * History and rollback go over HTTP either way.
   */
  protocol?: 'http' | 'grpc';
  /** gRPC port = the server's port + this (Nacos: 1000). Default 1000. */
  grpcPortOffset?: number;
  /** Sent as the `AppName` label of the gRPC connection (the server journals it). Default `unknown`. */
  appName?: string;
  /** The Nacos tenant. Default `''`, the default namespace; `public` means the same. */
  namespace?: string;
  /** Default `/nacos`. */
  contextPath?: string;
  /** Logged in with, as for the naming client (`POST /v1/auth/login`, the token sent with every request). Never logged. */
  username?: string;
  /**
   * Sent as `src_user` with every publish and removal: the user the server records as the author in the history
   * (as claimed, not verified). None when absent (the server then records `username`, if any).
   */
  srcUser?: string;
  password?: string;
  /** A token from an earlier login, sent as is until a server refuses it. */
  accessToken?: string;
  /** Bound on every request but the held watch poll, DNS and connect included. Default 5000. */
  requestTimeoutMs?: number;
  /**
   * How long the server may hold a watch poll (`Long-Pulling-Timeout`). Default 30000. The server holds a poll at
   * least its own minimum (10 s by default) whatever this says; keep this plus `requestTimeoutMs` above it.
   */
  longPollTimeoutMs?: number;
  /** First retry delay of a watch after a failure; doubles per failure up to `watchRetryMaxMs`. Default 200. */
  watchRetryBaseMs?: number;
  /** Default 5000. */
  watchRetryMaxMs?: number;
  /** Folder for the snapshot of every config read; reads answer from it when no server can be reached. None when absent. */
  snapshotDir?: string;
  logger?: ClientLogger;
  lookup?: LookupFunction;
  clock?: ClientClock;
  random?: () => number;
}

export interface ResolvedConfigOptions {
  readonly http: ResolvedOptions;
  readonly tenant: string;
  readonly longPollTimeoutMs: number;
  readonly watchRetryBaseMs: number;
  readonly watchRetryMaxMs: number;
  readonly snapshotDir?: string;
  readonly srcUser?: string;
}

const TENANT = /^[\w.:-]{0,128}$/;

/** Nacos 2.x: a blank, `public` or `null` tenant is the default config namespace, `''`. */
export function tenantOf(namespace: string | undefined): string {
  const t = (namespace ?? '').trim();
  return t.toLowerCase() === 'public' || t.toLowerCase() === 'null' ? '' : t;
}

export function resolveConfigOptions(o: ConfigClientOptions): ResolvedConfigOptions {
  if (typeof o !== 'object' || o === null) throw new CairnConfigError('serverAddresses', 'options are required: { serverAddresses: [...] }');
  const tenant = tenantOf(o.namespace);
  if (!TENANT.test(tenant)) throw new CairnConfigError('namespace', `namespace '${tenant}' is not a namespace id (letters, digits, _ - . :)`);
  const { namespace: _ignored, longPollTimeoutMs, watchRetryBaseMs, watchRetryMaxMs, snapshotDir, srcUser, ...shared } = o;
  if (srcUser !== undefined && (typeof srcUser !== 'string' || srcUser.length > 128)) throw new CairnConfigError('srcUser', 'srcUser must be a string of at most 128 characters');
  const http = resolveOptions(shared);
  const base = number(watchRetryBaseMs, 200, 'watchRetryBaseMs', 1);
  return Object.freeze({
    http,
    tenant,
    longPollTimeoutMs: number(longPollTimeoutMs, 30_000, 'longPollTimeoutMs', 1000),
    watchRetryBaseMs: base,
    watchRetryMaxMs: Math.max(base, number(watchRetryMaxMs, 5000, 'watchRetryMaxMs', 1)),
    ...(snapshotDir ? { snapshotDir } : {}),
    ...(srcUser ? { srcUser } : {}),
  });
}

function number(value: number | undefined, fallback: number, setting: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new CairnConfigError(setting, `${setting} must be a number of at least ${min}, got ${String(value)}`);
  return value;
}
