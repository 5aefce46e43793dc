export { createServer, type CairnServer, type ServerParts } from './app.js';
export { hashPassword } from './auth/passwords.js';
export { TokenSecretError } from './auth/signing-keys.js';
export {
  resolveOptions,
  describeOptions,
  isLoopbackHost,
  flagName,
  envName,
  OptionsError,
  SETTINGS,
  DEFAULT_OPTIONS,
  type Options,
  type ResolvedOptions,
} from './config/options.js';
// For `cairn auth import-nacos`, which reads Nacos's tables and sends them to a running server.
export { readNacosAuthTables, type NacosAuthRows } from '@cairn/storage';
export type { NacosAuthImportResult } from '@cairn/api';
