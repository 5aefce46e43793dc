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

/** The calls every protocol serves. Failures reject with `CairnRequestError` (after failover). */
export interface NamingCalls {
  register(reg: Registration): Promise<void>;
  deregister(reg: Registration): Promise<void>;
  list(key: ServiceKey, push?: PushAddress): Promise<ListAnswer>;
  close(): void;
}

/** HTTP v1: the client keeps its ephemeral instances alive with beats, and subscriptions poll. */
export interface BeatingTransport extends NamingCalls {
  readonly keeps: 'beats';
  /** `light`: send only the identity (no instance body). */
  beat(reg: Registration, light: boolean): Promise<BeatAnswer>;
}

/** What a push subscription is told: a fresh list (a push, or the answer after a reconnect), or that the connection is gone. */
export interface PushListener {
  answer(answer: ListAnswer): void;
  lost(): void;
}

/**
 * gRPC: the connection holds the ephemeral instances (no beats) and the server pushes changes. The transport
 * remembers what was registered and subscribed, and after every reconnect registers and subscribes it again.
 */
export interface ConnectedTransport extends NamingCalls {
  readonly keeps: 'connection';
  /** Subscribes (remembered until `unsubscribe`, even when this first request fails) and resolves with the current list. */
  subscribe(key: ServiceKey, listener: PushListener): Promise<ListAnswer>;
  unsubscribe(key: ServiceKey): void;
  /** Makes `regs` (ephemeral, all of `key`'s service) the connection's whole set in that service. */
  batchRegister(key: ServiceKey, regs: Registration[]): Promise<void>;
}

/** What the naming client needs from a protocol: beats and polls (HTTP v1) or a connection with pushes (gRPC). */
export type NamingTransport = BeatingTransport | ConnectedTransport;
