import type { AuthEvent } from './auth/auth-events.js';
import type { MemberEvent } from './cluster/member-events.js';
import type { ConfigClientEvent, ConfigEvent } from './config/config-events.js';
import type { ConnectionEvent } from './connections/connection-events.js';
import type { NamingEvent } from './naming/naming-events.js';
import type { EventBus } from './shared/event-bus.js';
import type { NamespaceEvent } from './shared/namespaces.js';

/** Every event core publishes, across contexts. */
export type CairnEvent = NamingEvent | NamespaceEvent | ConfigEvent | ConfigClientEvent | ConnectionEvent | AuthEvent | MemberEvent;

/** The one bus a server has: core publishes on it, the rest of the server subscribes. */
export type CairnEventBus = EventBus<CairnEvent>;
