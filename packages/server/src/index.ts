export { createServer, type CairnServer, type ServerParts } from './app.js';
export { resolveOptions, DEFAULT_OPTIONS, type Options, type ResolvedOptions } from './config/options.js';
