/**
 * @cairn/sdk: naming and config clients for Cairn and Nacos-compatible servers (Nacos HTTP v1 protocol; naming also over
 * Nacos 2.x gRPC with `protocol: 'grpc'`).
 *
 * @example
 * ```ts
 * import { createNamingClient } from '@cairn/sdk';
 * const client = await createNamingClient({ serverAddresses: ['127.0.0.1:8848'], verify: true });
 * await client.registerInstance('orders', { ip: '10.0.0.5', port: 8080 });
 * const one = await client.selectOneHealthyInstance('orders');
 * for await (const change of client.subscribe('orders')) console.log(change.instances.length, change.added);
 * await client.close(); // deregisters its ephemeral instances
 * ```
 */
export { NamingClient, createNamingClient, DEFAULT_GROUP, type InstanceRef } from './naming-client.js';
export type { NamingClientOptions, CreateNamingClientOptions, BeatOptions, PushOptions } from './options.js';
export { CairnConfigError, CairnRequestError, CairnClosedError, CairnAuthError, type AuthRefusal } from './errors.js';
export {
  ConfigClient,
  CairnConflictError,
  ConfigWatch,
  type ConfigClientOptions,
  type ConfigValue,
  type ConfigChange,
  type ConfigListener,
  type ConfigType,
  type PublishOptions,
  type ConfigHistoryEntry,
  type HistoryPage,
} from './config/index.js';
export { parseServerAddress, type ServerAddress } from './address.js';
export type {
  Instance,
  InstanceInput,
  ServiceOptions,
  ListOptions,
  SelectOptions,
  ServiceSnapshot,
  ServiceChange,
  ChangeListener,
  Subscription,
  ClientLogger,
  LookupFunction,
  ClientClock,
  FailureKind,
  ServerHealth,
  ClientStats,
} from './types.js';
export type { NamingTransport, NamingCalls, BeatingTransport, ConnectedTransport, PushListener, Registration, BeatAnswer, ListAnswer, ServiceKey, PushAddress } from './transport/naming-transport.js';
export { pickWeighted } from './select.js';
export { checkGrpcServer, type GrpcCheckOptions, type GrpcCheckResult } from './transport/grpc/server-check.js';
export type { VerifyOptions } from './verify.js';
