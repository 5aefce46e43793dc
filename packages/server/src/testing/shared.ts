// `@cairn/server/testing`: what the other packages' tests use of the server's test helpers (the SDK's cluster
// tests: a throw-away PostgreSQL or MariaDB database per test). Kept out of the server's main entry point.
export { throwAwayDatabase, SHARED_DIALECTS, type SharedDialect, type ThrowAwayDatabase } from './throwaway-database.js';
