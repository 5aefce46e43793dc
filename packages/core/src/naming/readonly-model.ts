import type { BeatStats } from './beat-stats.js';
import type { InstanceTiming } from './lifecycle-settings.js';
import type { ClusterSettings, ConnectionClient, Instance, InstanceOverlay, Selector, Service } from './model.js';
import type { ProbeStatus } from './probe-results.js';

/** An instance as code outside core sees it: every field read-only, so only core commands change state. */
export type ReadonlyInstance = Readonly<Omit<Instance, 'beats' | 'timing' | 'probe' | 'metadata' | 'holders'>> & {
  readonly metadata: Readonly<Record<string, string>>;
  readonly holders?: { readonly connections: readonly ConnectionClient[]; readonly beats: boolean };
  readonly beats: Readonly<BeatStats> | undefined;
  readonly timing: Readonly<InstanceTiming>;
  readonly probe?: Readonly<ProbeStatus>;
};

/** A service as code outside core sees it (transports, push, persistence, metrics): read-only all the way down. */
export type ReadonlyService = Readonly<Omit<Service, 'clusters' | 'instances' | 'overlays' | 'metadata' | 'selector'>> & {
  readonly metadata: Readonly<Record<string, string>>;
  readonly selector: Readonly<Selector>;
  readonly clusters: ReadonlyMap<string, Readonly<ClusterSettings>>;
  readonly instances: ReadonlyMap<string, ReadonlyInstance>;
  readonly overlays: ReadonlyMap<string, Readonly<InstanceOverlay>>;
};
