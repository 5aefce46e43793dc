export * from './naming.js';
export * from './v2-result.js';
export * from './nacos-codes.js';
export * from './journal.js';
export * from './grpc-payload.js';
export * from './connections.js';
export * from './auth-import.js';
