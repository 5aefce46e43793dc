import type { Namespaces, Registry } from '@cairn/core';
import type { ResolvedOptions } from '../config/options.js';
import type { Metrics } from '../metrics/metrics.js';
import type { UdpPush } from '../push/udp-push.js';
import type { ServiceInfoCache } from './service-info.js';
import type { RegistrationDefaults, SwitchDomain } from './v1/switch-domain.js';

/** What route modules get: the wired parts of one server. No module-level state anywhere. */
export interface AppContext {
  readonly options: ResolvedOptions;
  readonly registry: Registry;
  readonly namespaces: Namespaces;
  readonly push: UdpPush;
  readonly metrics: Metrics;
  readonly serviceInfo: ServiceInfoCache;
  readonly switches: SwitchDomain;
  /** Defaults a switch can change at run time (`defaultInstanceEphemeral`). */
  readonly registrationDefaults: RegistrationDefaults;
  readonly startedAt: number;
}
