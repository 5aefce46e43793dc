import type { ConnectionDirectory } from '@cairn/core';
import { machineLoad } from '../../metrics/machine-load.js';
import type { RequestHandlers } from './request-handlers.js';

/**
 * Nacos's `ServerLoaderInfoRequest`: how loaded this server is, as `ServerLoaderInfoResponse {address,
 * loaderMetrics}` with Nacos's string values: `conCount` (open gRPC connections), `sdkConCount` (those whose
 * client labelled itself `source: sdk`), `load` (1-minute system load) and `cpu` (this process's CPU share).
 */
export function registerServerLoaderHandler(handlers: RequestHandlers, connections: ConnectionDirectory, address: () => string): void {
  handlers.register('ServerLoaderInfoRequest', () => {
    const all = connections.list();
    const { load, cpu } = machineLoad();
    const loaderMetrics = {
      conCount: String(all.length),
      sdkConCount: String(all.filter((c) => c.labels.source === 'sdk').length),
      load: String(load),
      cpu: String(cpu),
    };
    return { type: 'ServerLoaderInfoResponse', body: { address: address(), loaderMetrics } };
  });
}
