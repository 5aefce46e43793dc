export { SqliteNamingStore, SchemaTooNewError } from './sqlite/sqlite-naming-store.js';
