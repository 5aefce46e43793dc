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

/** One request the client made: which server it went to, what it asked and how it ended (status 0: no answer). */
export interface NpmRequest {
  server: string;
  method: string;
  path: string;
  status: number;
}

/**
 * The client's own HTTP library (urllib), with every request it makes recorded: pass it as the `httpclient` option
 * to see which server a registration, beat or poll went to.
 */
export function recordingHttpClient(requests: NpmRequest[]): { request(url: string, options: { method?: string }): Promise<{ status: number }> } {
  const urllib = namingRequire('urllib') as { request(url: string, options: unknown): Promise<{ status: number }> };
  return {
    async request(url, options) {
      const { host, pathname } = new URL(url);
      const entry = { server: host, method: options.method ?? 'GET', path: pathname, status: 0 };
      requests.push(entry);
      const result = await urllib.request(url, options);
      entry.status = result.status;
      return result;
    },
  };
}
