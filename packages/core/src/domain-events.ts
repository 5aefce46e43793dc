import type { ConfigClientEvent, ConfigEvent } from './config/config-events.js';
import type { NamingEvent } from './naming/naming-events.js';
import type { EventBus } from './shared/event-bus.js';
import type { NamespaceEvent } from './shared/namespaces.js';

/** Every event core publishes, across contexts. gRPC connection and auth events join this union. */
export type CairnEvent = NamingEvent | NamespaceEvent | ConfigEvent | ConfigClientEvent;

/** The one bus a server has: core publishes on it, the rest of the server subscribes. */
export type CairnEventBus = EventBus<CairnEvent>;
