import type { ConnectionJson, ConnectionsJson } from '@cairn/api';
import { getJson } from './http.js';

export type ConnectionRow = ConnectionJson;

export const connectionsApi = {
  list: async (signal?: AbortSignal) => (await getJson<ConnectionsJson>('/v1/cairn/connections', {}, signal)).connections,
};
