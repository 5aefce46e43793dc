import type { AuthDirectory, CairnEventBus, ConfigCenter, ConnectionDirectory, ConfigListeners, ConfigStore, Journal, Namespaces, Registry } from '@cairn/core';
import type { Authenticator } from '../../auth/authenticator.js';
import type { ResolvedOptions } from '../../config/options.js';
import type { AuthPersistence } from '../../persistence/auth-persistence.js';
import type { ConfigPersistence } from '../../persistence/config-persistence.js';
import type { NamingPersistence } from '../../persistence/naming-persistence.js';
import type { LongPolls } from './config/long-polls.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { UdpPush } from '../../push/udp/udp-push.js';
import type { GrpcSubscriptions } from '../../push/grpc/grpc-push.js';
import type { ServiceInfoCache } from '../../wire/service-info.js';
import type { RegistrationDefaults, SwitchDomain } from './naming/switch-domain.js';

/** What route modules get: the wired parts of one server. No module-level state anywhere. */
export interface AppContext {
  readonly options: ResolvedOptions;
  readonly registry: Registry;
  /** The audit record: read by the events and diagnosis APIs. */
  readonly journal: Journal;
  readonly events: CairnEventBus;
  readonly persistence: NamingPersistence;
  readonly namespaces: Namespaces;
  readonly push: UdpPush;
  readonly metrics: Metrics;
  readonly serviceInfo: ServiceInfoCache;
  readonly switches: SwitchDomain;
  /** Defaults a switch can change at run time (`defaultInstanceEphemeral`). */
  readonly registrationDefaults: RegistrationDefaults;
  readonly startedAt: number;
  /** The configuration center: configs and their commands. */
  readonly config: ConfigCenter;
  readonly configPersistence: ConfigPersistence;
  /** The auth context: users, roles and grants, and their commands. */
  readonly auth: AuthDirectory;
  /** Verifies logins, tokens and raw credentials, and decides permissions (HTTP and gRPC). */
  readonly authenticator: Authenticator;
  /** Writes auth changes to the store and holds the token signing keys. */
  readonly authPersistence: AuthPersistence;
  /** Read side of the stored config history (the history lives only in the store). */
  readonly configHistory: Pick<ConfigStore, 'historyOf' | 'historyById' | 'previousHistory'>;
  readonly longPolls: LongPolls;
  /** The live table of config clients: who listens, holds which md5, was notified, fetched. */
  readonly configListeners: ConfigListeners;
  /** The live gRPC connections (none with gRPC off) and the command to ask one's client to reconnect. */
  readonly connections: ConnectionDirectory;
  /** gRPC connections' naming subscriptions (none with gRPC off). */
  readonly grpcSubscriptions: GrpcSubscriptions;
}
