import type { HealthChecker, Selector } from './model.js';
import type { ServiceRef } from './names.js';

/** The commands every transport turns its wire form into. Fields are typed; ranges are checked by core. */
export interface RegisterInstance extends ServiceRef {
  ip: string;
  port: number;
  cluster: string;
  weight: number;
  enabled: boolean;
  healthy: boolean;
  ephemeral: boolean;
  metadata: Record<string, string>;
}

export interface InstanceTarget extends ServiceRef {
  ip: string;
  port: number;
  /** Undefined = whichever cluster the address is in. */
  cluster?: string;
}

export interface Beat extends ServiceRef {
  ip: string;
  port: number;
  cluster: string;
  /** The client's beat JSON, when it sent one: enough to re-create a lost instance. */
  body?: { weight?: number; metadata?: Record<string, string> };
}

export interface BeatResult {
  /** 10200 = applied; 20404 = unknown instance and nothing to re-create it from. */
  code: 10200 | 20404;
  clientBeatIntervalMs: number;
  recreated: boolean;
}

export interface EditInstance extends ServiceRef {
  ip: string;
  port: number;
  cluster: string;
  weight?: number;
  enabled?: boolean;
  metadata?: Record<string, string>;
}

export interface ServiceDefinition {
  protectThreshold?: number;
  metadata?: Record<string, string>;
  selector?: Selector;
  /** Only when the caller says so explicitly; otherwise the first instance decides. */
  kind?: 'ephemeral' | 'persistent';
}

export interface ClusterDefinition extends ServiceRef {
  cluster: string;
  healthChecker: HealthChecker;
  checkPort: number;
  useInstancePortForCheck: boolean;
  metadata?: Record<string, string>;
}

/** How a gRPC connection ended, as its transport saw it. */
export type ConnectionEndCause = 'CLIENT_CLOSED' | 'RESET' | 'LIVENESS_UNANSWERED' | 'SERVER_SHUTDOWN' | 'RESET_REQUESTED';

export interface ConnectionEndEvidence {
  /** How long the connection had been silent when it was given up (a liveness check went unanswered). */
  silentMs?: number;
  /** The transport's own words, e.g. a gRPC status or socket error. */
  detail?: string;
}
