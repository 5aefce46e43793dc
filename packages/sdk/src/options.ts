import type { ClientClock, ClientLogger, LookupFunction } from './types.js';

/** Heartbeat tuning. The defaults suit a Nacos/Cairn server with its default 5 s interval. */
export interface BeatOptions {
  /** Interval used until the server tells its `clientBeatInterval`. Default 5000. */
  intervalMs?: number;
  /** Follow the server's `clientBeatInterval` answer (default true); false keeps `intervalMs`. */
  followServerInterval?: boolean;
  /** First retry delay after a failed beat; doubles per failure, never beyond the beat interval. Default 200. */
  retryBaseMs?: number;
}

/** UDP push: the server sends changes at once instead of waiting for the next poll. */
export interface PushOptions {
  /** Address the UDP socket binds to. Default 127.0.0.1 (only a server on this machine can push). */
  bindAddress?: string;
  /** Address announced to the server as `clientIP`. Default: `bindAddress`. */
  clientIP?: string;
}

export interface NamingClientOptions {
  /** `host:port`, `host` (port 8848) or `http://host:port` URLs. At least one. */
  serverAddresses: string[] | string;
  /** Default `public`. */
  namespace?: string;
  /** Default `/nacos`. */
  contextPath?: string;
  /** Sent as request parameters, as Nacos clients do. Never logged. */
  username?: string;
  password?: string;
  /** Bound on every request, DNS and connect included. Default 5000. */
  requestTimeoutMs?: number;
  beat?: BeatOptions;
  /** Poll interval of subscriptions; default: the server's `cacheMillis` (10 s on Nacos/Cairn). */
  pollIntervalMs?: number;
  /** UDP push; off unless given. */
  push?: PushOptions | false;
  /** Folder for the disk copy of the last known lists; none when absent. */
  cacheDir?: string;
  /** Keep a non-empty list when the server answers empty (default true). */
  pushEmptyProtection?: boolean;
  /** Where log lines go. Default: warnings and errors to `console`. */
  logger?: ClientLogger;
  /** DNS resolution; default `dns.promises.lookup`. Inject failures in tests. */
  lookup?: LookupFunction;
  /** Time and timers; default the real ones. */
  clock?: ClientClock;
  /** Random source in [0, 1) for weighted choice, jitter and the first server; default `Math.random`. */
  random?: () => number;
}

/** Options of `createNamingClient`: the client options plus whether to check the configuration first. */
export interface CreateNamingClientOptions extends NamingClientOptions {
  /** Run `client.verify()` before resolving (default false); a failure closes the client and rejects. */
  verify?: boolean;
}
