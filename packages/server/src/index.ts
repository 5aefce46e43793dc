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
