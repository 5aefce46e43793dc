import type { NacosInstance } from '@cairn/api';
import type { BeatStats } from './beat-stats.js';
import type { InstanceTiming } from './lifecycle-settings.js';
import type { ServiceRef } from './names.js';
import type { ProbeStatus } from './probe-results.js';

/** Who or what caused a command: the evidence the journal keeps. */
export interface Origin {
  /** Remote address of the request, or 'server' for the server's own actions. */
  ip: string;
  /** Client identification (Client-Version or User-Agent), e.g. `Nacos-Java-Client:v1.0.0`. */
  agent?: string;
  /** The route or mechanism, e.g. `DELETE /nacos/v1/ns/instance`, `expiry`. */
  via: string;
  /**
   * The `username` the request carried: what the client claimed, never trusted; the journal and the diagnosis say
   * so when no verified `user` stands beside it.
   */
  claimedUser?: string;
  /** The user whose credentials the server verified (auth on, or valid credentials sent anyway). */
  user?: string;
}

export type ServiceKind = 'ephemeral' | 'persistent';

export interface Instance {
  readonly ip: string;
  readonly port: number;
  cluster: string;
  /** As registered by the client; the operator overlay wins over these at read time. */
  weight: number;
  enabled: boolean;
  metadata: Record<string, string>;
  healthy: boolean;
  readonly ephemeral: boolean;
  /**
   * Set only when it differs from the id built from the address, cluster and service (see instanceIdOf): a stored
   * instance restored with another id. Not stored otherwise: a million instances would keep a million copies.
   */
  instanceId?: string;
  registeredAt: number;
  lastBeatAt: number;
  /** Where beats and registrations for this instance come from. */
  lastSeenFrom: string;
  lastSeenAgent: string;
  /** Shared between instances with the same timeouts (see resolveTiming): replaced, never changed in place. */
  timing: Readonly<InstanceTiming>;
  /** From the first beat on (see beatStatsOf); undefined before. */
  beats: BeatStats | undefined;
  /** Set once the instance left the registry, so stale timer entries are skipped. */
  removed: boolean;
  /** The time of this instance's pending deadline entry, to skip stale ones. */
  scheduledAt: number;
  unhealthySince: number | undefined;
  /** Persistent instances: the server's probe results so far (streaks, last result); absent until the first probe. */
  probe?: ProbeStatus;
  /** Who keeps an ephemeral instance alive when a gRPC connection is among them; absent = HTTP beats alone. */
  holders?: InstanceHolders;
}

/** A gRPC connection's client as its transport learned it at setup: the evidence its instances carry. */
export interface ConnectionClient {
  /** Nacos's connection id, `<millis>_<ip>_<port>`. */
  readonly connectionId: string;
  readonly ip: string;
  readonly port: number;
  /** `clientVersion` of its ConnectionSetupRequest, e.g. `Nacos-Java-Client:v2.3.2`; `''` when not sent. */
  readonly clientVersion: string;
  /** Its `AppName` label, when sent. */
  readonly appName?: string;
  readonly connectedAt: number;
  /** The verified user of the request acting for the connection (auth on, or valid credentials sent anyway). */
  readonly user?: string;
}

/**
 * The publishers of one address in one service (Nacos keeps one per client): connections hold it while they
 * live, HTTP beats (`beats`) while they arrive. It leaves the registry when the last of them lets go.
 */
export interface InstanceHolders {
  /** The connections holding it, each once, in the order they took hold (nearly always one: an array, not a Map). */
  readonly connections: ConnectionClient[];
  beats: boolean;
}

/** Operator changes that outlive the instance (expiry, re-registration), keyed `ip:port:cluster`. */
export interface InstanceOverlay {
  enabled?: boolean;
  weight?: number;
  metadata?: Record<string, string>;
  updatedAt: number;
}

export interface Selector {
  type: 'none' | 'label';
  expression?: string;
}

export interface HealthChecker {
  type: 'TCP' | 'HTTP' | 'MYSQL' | 'NONE';
  path?: string;
  headers?: string;
  expectedResponseCode?: number;
  user?: string;
  pwd?: string;
  cmd?: string;
}

export interface ClusterSettings {
  name: string;
  healthChecker: HealthChecker;
  checkPort: number;
  useInstancePortForCheck: boolean;
  metadata: Record<string, string>;
}

export interface Service extends ServiceRef {
  readonly key: string;
  /** Fixed by the first instance (or an explicit create); undefined until then. */
  kind: ServiceKind | undefined;
  protectThreshold: number;
  metadata: Record<string, string>;
  selector: Selector;
  clusters: Map<string, ClusterSettings>;
  instances: Map<string, Instance>;
  overlays: Map<string, InstanceOverlay>;
  createdAt: number;
  /** Bumped on every visible change; list answers and pushes are keyed by it. */
  revision: number;
  /** Time of the last visible change, increasing. */
  lastChangeAt: number;
  emptySince: number | undefined;
  /** Created or edited through the service API: kept when empty (implicit services are cleaned up). */
  explicit: boolean;
  protectionReached: boolean;
  removed: boolean;
}

/** An instance as consumers see it (overlay applied): Nacos's wire shape. */
export type InstanceView = NacosInstance;

export interface ServiceQueryResult {
  exists: boolean;
  hosts: InstanceView[];
  reachProtectionThreshold: boolean;
  revision: number;
}
