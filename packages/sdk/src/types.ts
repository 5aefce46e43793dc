/**
 * The public data types of the naming client. Everything here is plain data: safe to log, to compare and to
 * serialize (no secrets live in these types).
 */

import type { NacosInstance } from '@cairn/api';

/** An instance as the registry reports it: the fields of Nacos's instance JSON that a caller uses. */
export type Instance = Pick<NacosInstance, 'instanceId' | 'ip' | 'port' | 'weight' | 'healthy' | 'enabled' | 'ephemeral' | 'clusterName' | 'serviceName' | 'metadata'>;

/** What a caller registers. Defaults: weight 1, healthy, enabled, ephemeral, cluster `DEFAULT`, no metadata. */
export interface InstanceInput {
  ip: string;
  port: number;
  weight?: number;
  healthy?: boolean;
  enabled?: boolean;
  /** Ephemeral instances are kept alive by this client's beats and deregistered by `close()`. Default true. */
  ephemeral?: boolean;
  clusterName?: string;
  metadata?: Record<string, string>;
}

/** Where a service lives. `group` defaults to `DEFAULT_GROUP`; `clusters` to all clusters. */
export interface ServiceOptions {
  group?: string;
  /** Cluster names to include; empty or absent = every cluster. */
  clusters?: string[];
}

export interface ListOptions extends ServiceOptions {
  /**
   * When the registry cannot be reached, answer from the last known list (memory, then the disk cache)
   * instead of throwing. Default true. The answer then has `fromCache: true`.
   */
  cacheFallback?: boolean;
}

export interface SelectOptions extends ListOptions {
  /** Keep healthy (true, default) or unhealthy (false) instances. Disabled and zero-weight ones are always left out. */
  healthy?: boolean;
}

/** One answer about a service: the instances and where they came from. */
export interface ServiceSnapshot {
  service: string;
  group: string;
  /** The cluster filter, as a comma-separated string ('' = all). */
  clusters: string;
  instances: Instance[];
  /** The server's suggested poll interval for this service. */
  cacheMillis: number;
  /** The server's timestamp of the answer (ms). */
  lastRefTime: number;
  /** The server returned every instance because the healthy share fell to the protect threshold. */
  reachProtectionThreshold: boolean;
  /** True when the registry could not be reached and this is the last known list. */
  fromCache: boolean;
}

/** What a subscriber receives: the full list and what changed since the previous delivery. */
export interface ServiceChange extends ServiceSnapshot {
  added: Instance[];
  removed: Instance[];
  /** Instances present before and after whose health, weight, enabled flag or metadata changed (new values). */
  changed: Instance[];
}

export type ChangeListener = (change: ServiceChange) => void;

/**
 * A live subscription. Iterate it (`for await (const change of sub)`) or pass a listener to `subscribe`;
 * `unsubscribe()` (or `client.close()`) ends the iteration.
 */
export interface Subscription extends AsyncIterable<ServiceChange> {
  readonly service: string;
  readonly group: string;
  readonly clusters: string;
  /** The newest list this subscription knows (delivered or waiting for the iterator), if any. */
  current(): ServiceSnapshot | undefined;
  unsubscribe(): void;
}

/** A log sink; every method is optional. Messages never contain passwords. */
export interface ClientLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** Resolves a host name to one address. Throw an error with `code` (e.g. `ENOTFOUND`) on failure. */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: 4 | 6 }>;

/** Time source and timers; inject both in tests. */
export interface ClientClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Why a request failed; stats and logs count failures by kind. */
export type FailureKind = 'dns' | 'refused' | 'timeout' | 'reset' | 'server-error' | 'client-error' | 'bad-answer' | 'other';

export interface ServerHealth {
  /** `host:port` as configured. */
  address: string;
  healthy: boolean;
  consecutiveFailures: number;
  lastFailure?: FailureKind;
  /** When a failing server will be tried again in preference to the others (clock ms). */
  retryAt?: number;
}

export interface ClientStats {
  beatsSent: number;
  beatsOk: number;
  beatFailures: Partial<Record<FailureKind, number>>;
  /** Full registrations sent because the server had lost an instance (beat answered 20404). */
  reRegistrations: number;
  /** Beat interval currently used, as last told by the server (ms). */
  beatIntervalMs: number;
  polls: number;
  pollFailures: Partial<Record<FailureKind, number>>;
  pushesReceived: number;
  /** Empty answers that were ignored because the cached list was not empty (push-empty protection). */
  emptyAnswersIgnored: number;
  /** Answers served from the cache because no server could be reached. */
  cacheFallbacks: number;
  servers: ServerHealth[];
}
