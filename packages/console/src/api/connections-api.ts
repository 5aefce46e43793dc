import { getJson } from './http.js';

/** A live gRPC connection as `GET /v1/cairn/connections` tells it. */
export interface ConnectionRow {
  connectionId: string;
  ip: string;
  port: number;
  clientVersion: string;
  appName: string;
  namespace: string;
  module: string;
  labels: Record<string, string>;
  connectedSince: number;
  lastActive: number;
  published: Array<{ namespace: string; group: string; serviceName: string; ip: string; port: number; cluster: string }>;
  subscribed: Array<{ namespace: string; group: string; serviceName: string; clusters: string }>;
}

export const connectionsApi = {
  list: async (signal?: AbortSignal) => (await getJson<{ count: number; connections: ConnectionRow[] }>('/v1/cairn/connections', {}, signal)).connections,
};
