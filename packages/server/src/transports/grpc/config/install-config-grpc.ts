import type { CairnEventBus, ConfigCenter, ConfigListeners } from '@cairn/core';
import type { Logger } from 'pino';
import type { GrpcTransport } from '../grpc-transport.js';
import { type Durability, registerConfigHandlers } from './config-grpc-handlers.js';
import { ConfigListenSets } from './config-listen-sets.js';

/** Serves the config requests on the gRPC transport and pushes config changes to its listening connections. */
export function installConfigGrpc(grpc: GrpcTransport, deps: { config: ConfigCenter; listeners: ConfigListeners; events: CairnEventBus; durability: Durability; storeWaitMs: number; log: Logger }): ConfigListenSets {
  const listenSets = new ConfigListenSets({ config: deps.config, listeners: deps.listeners, events: deps.events, log: deps.log });
  registerConfigHandlers(grpc.handlers, { config: deps.config, listeners: deps.listeners, listenSets, durability: deps.durability, storeWaitMs: deps.storeWaitMs });
  return listenSets;
}
