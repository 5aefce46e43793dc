export { ConfigClient, CairnConflictError } from './config-client.js';
export { ConfigWatch } from './config-watch.js';
export type { ConfigClientOptions } from './config-options.js';
export type { ConfigValue, ConfigChange, ConfigListener, ConfigType, PublishOptions, ConfigHistoryEntry, HistoryPage } from './config-types.js';
