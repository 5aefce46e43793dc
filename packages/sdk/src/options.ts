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
  /**
   * `http` (default): Nacos HTTP v1, beats and polls; works with every Nacos-compatible server and through HTTP
   * proxies. `grpc`: Nacos 2.x gRPC on each server's port + `grpcPortOffset`; instances are held by the connection
   * (no beats) and subscriptions are pushed.
   */
  protocol?: 'http' | 'grpc';
  /** gRPC port = the server's port + this (Nacos: 1000, so `127.0.0.1:8848` is dialled on 9848). Default 1000. */
  grpcPortOffset?: number;
  /** Sent as the `AppName` label of the gRPC connection (the server journals it). Default `unknown`. */
  appName?: string;
  /** Default `public`. */
  namespace?: string;
  /** Default `/nacos`. */
  contextPath?: string;
  /**
   * The client logs in with these (`POST /v1/auth/login`) and sends the access token it gets with every request;
   * it logs in again before the token expires and when a server refuses it. Never logged.
   */
  username?: string;
  password?: string;
  /** A token from an earlier login, sent as is until a server refuses it (then username and password log in, if given). */
  accessToken?: string;
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
