import type { Instance } from '../types.js';

/** A service as the wire names it. */
export interface ServiceKey {
  namespace: string;
  group: string;
  service: string;
  /** Comma-separated cluster filter, '' = all. */
  clusters: string;
}

/** A full registration (what `registerInstance` sends, and what a re-registration repeats). */
export interface Registration {
  namespace: string;
  group: string;
  service: string;
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  clusterName: string;
  metadata: Record<string, string>;
}

export interface BeatAnswer {
  /** 10200 = applied; 20404 = the server does not know the instance: register it again. */
  code: number;
  /** The interval the server wants, if it said one (ms). */
  clientBeatIntervalMs?: number;
  /** The server accepts beats without the instance body. */
  lightBeatEnabled: boolean;
}

export interface ListAnswer {
  instances: Instance[];
  cacheMillis: number;
  lastRefTime: number;
  reachProtectionThreshold: boolean;
}

export interface PushAddress {
  clientIP: string;
  udpPort: number;
}

/**
 * What the naming client needs from a protocol. The HTTP v1 transport implements it today; a gRPC transport
 * can implement the same calls later. Failures reject with `CairnRequestError` (after failover).
 */
export interface NamingTransport {
  register(reg: Registration): Promise<void>;
  deregister(reg: Registration): Promise<void>;
  /** `light`: send only the identity (no instance body). */
  beat(reg: Registration, light: boolean): Promise<BeatAnswer>;
  list(key: ServiceKey, push?: PushAddress): Promise<ListAnswer>;
  close(): void;
}
