import { createRequire } from 'node:module';

/*
 * The published `nacos` npm naming client (HTTP v1, UDP push), pinned to loopback. The client announces the
 * machine's first non-loopback address as `clientIP` and the server pushes there: the pin replaces the `address`
 * module's answer in the very module instance nacos-naming uses, before nacos-naming is loaded (it reads the
 * address once, at load time). Import this module before anything else loads `nacos`.
 */
const require = createRequire(import.meta.url);
const namingRequire = createRequire(createRequire(require.resolve('nacos')).resolve('nacos-naming'));
const address = namingRequire('address') as { ip: () => string };
address.ip = () => '127.0.0.1';

export interface NpmHost {
  ip: string;
  port: number;
  healthy: boolean;
  enabled: boolean;
  weight: number;
  metadata: Record<string, string>;
}

export interface NpmNamingClient {
  ready(): Promise<void>;
  registerInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  deregisterInstance(service: string, instance: Record<string, unknown>, group?: string): Promise<void>;
  getAllInstances(service: string, group?: string, clusters?: string, subscribe?: boolean): Promise<NpmHost[]>;
  subscribe(info: { serviceName: string; groupName?: string; clusters?: string }, listener: (hosts: NpmHost[]) => void): void;
  getServerStatus(): Promise<string>;
  close(): Promise<void>;
}

export const { NacosNamingClient } = require('nacos') as { NacosNamingClient: new (options: Record<string, unknown>) => NpmNamingClient };
