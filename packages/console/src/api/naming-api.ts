import type { JournalEventJson, NacosInstance } from '@cairn/api';
import { getJson, write } from './http.js';

/** Typed calls to the existing HTTP APIs the console uses (Nacos v1 console/catalog paths and Cairn's journal). */

export interface NamespaceInfo {
  namespace: string;
  namespaceId: string;
  namespaceShowName: string;
  namespaceDesc: string;
  type: number;
}

export interface ServiceSummary {
  name: string;
  groupName: string;
  clusterCount: number;
  ipCount: number;
  healthyInstanceCount: number;
  unhealthyInstanceCount: number;
  disabledInstanceCount: number;
  protectThreshold: number;
  reachProtectionThreshold: boolean;
}

export interface HealthCheckerJson {
  type: 'TCP' | 'HTTP' | 'MYSQL' | 'NONE';
  path?: string;
  headers?: string;
  expectedResponseCode?: number;
  [k: string]: unknown;
}

export interface ClusterInfo {
  name: string;
  healthChecker: HealthCheckerJson;
  metadata: Record<string, string>;
  useIPPort4Check: boolean;
  defaultCheckPort: number;
}

export interface ServiceDetail {
  service: {
    name: string;
    groupName: string;
    protectThreshold: number;
    selector: { type: string; expression?: string };
    metadata: Record<string, string>;
    ephemeral: boolean | null;
  };
  clusters: ClusterInfo[];
}

/** An instance row: Nacos's instance JSON, and the time of its last beat where the answer has it. */
export type InstanceRow = Omit<NacosInstance, 'serviceName' | 'instanceIdGenerator'> & { lastBeatAt?: number };

export type JournalEvent = JournalEventJson;

export interface ProbeResultJson {
  ok: boolean;
  probe: string;
  target: string;
  durationMs: number;
  error?: string;
  at: number;
}

export interface Diagnosis {
  state: 'healthy' | 'unhealthy' | 'disabled' | 'absent' | 'unknown';
  explanation: string;
  checkedAt: number;
  instance: (InstanceRow & { registeredAt: number; lastBeatAt: number; lastSeenFrom: string; lastSeenAgent: string }) | null;
  beats: { count: number; lastGapMs: number; meanGapMs: number; maxGapMs: number; maxGapLastHourMs: number; lateBeats: number } | null;
  probe: { type: string; target: string | null; consecutiveFailures: number; consecutivePasses: number; last: ProbeResultJson | null } | null;
  events: JournalEvent[];
}

export interface ServiceRef {
  namespace: string;
  group: string;
  name: string;
}

function refParams(ref: ServiceRef): Record<string, string> {
  return { namespaceId: ref.namespace, groupName: ref.group, serviceName: ref.name };
}

export const namingApi = {
  namespaces: async (signal?: AbortSignal) => (await getJson<{ data: NamespaceInfo[] }>('/v1/console/namespaces', {}, signal)).data,
  createNamespace: (id: string, name: string, desc: string) => write('POST', '/v1/console/namespaces', { customNamespaceId: id || undefined, namespaceName: name, namespaceDesc: desc }),
  updateNamespace: (id: string, name: string, desc: string) => write('PUT', '/v1/console/namespaces', { namespace: id, namespaceShowName: name, namespaceDesc: desc }),
  deleteNamespace: (id: string) => write('DELETE', '/v1/console/namespaces', { namespaceId: id }),

  services: (namespace: string, filter: { name: string; group: string; pageNo: number; pageSize: number }, signal?: AbortSignal) =>
    getJson<{ count: number; serviceList: ServiceSummary[] }>(
      '/v1/ns/catalog/services',
      {
        namespaceId: namespace,
        serviceNameParam: filter.name || undefined,
        groupNameParam: filter.group || undefined,
        pageNo: filter.pageNo,
        pageSize: filter.pageSize,
      },
      signal,
    ),
  service: (ref: ServiceRef, signal?: AbortSignal) => getJson<ServiceDetail>('/v1/ns/catalog/service', refParams(ref), signal),
  createService: (ref: ServiceRef, s: { protectThreshold: number; metadata: Record<string, string>; selector: string }) =>
    write('POST', '/v1/ns/service', { ...refParams(ref), protectThreshold: s.protectThreshold, metadata: JSON.stringify(s.metadata), selector: s.selector }),
  updateService: (ref: ServiceRef, s: { protectThreshold: number; metadata: Record<string, string>; selector: string }) =>
    write('PUT', '/v1/ns/service', { ...refParams(ref), protectThreshold: s.protectThreshold, metadata: JSON.stringify(s.metadata), selector: s.selector }),
  deleteService: (ref: ServiceRef) => write('DELETE', '/v1/ns/service', refParams(ref)),

  instances: async (ref: ServiceRef, cluster: string, signal?: AbortSignal) =>
    (await getJson<{ list: InstanceRow[]; count: number }>('/v1/ns/catalog/instances', { ...refParams(ref), clusterName: cluster, pageNo: 1, pageSize: 1000 }, signal)).list,
  patchInstance: (ref: ServiceRef, i: { ip: string; port: number; cluster: string }, change: { enabled?: boolean; weight?: number; metadata?: Record<string, string> }) =>
    write('PATCH', '/v1/ns/instance', {
      ...refParams(ref),
      ip: i.ip,
      port: i.port,
      clusterName: i.cluster,
      enabled: change.enabled,
      weight: change.weight,
      metadata: change.metadata && JSON.stringify(change.metadata),
    }),
  deleteInstance: (ref: ServiceRef, i: { ip: string; port: number; cluster: string }) => write('DELETE', '/v1/ns/instance', { ...refParams(ref), ip: i.ip, port: i.port, clusterName: i.cluster }),
  updateCluster: (ref: ServiceRef, cluster: string, s: { checkPort: number; useInstancePort: boolean; checker: HealthCheckerJson }) =>
    write('PUT', '/v1/ns/cluster', {
      ...refParams(ref),
      clusterName: cluster,
      checkPort: s.checkPort,
      useInstancePort4Check: s.useInstancePort,
      healthChecker: JSON.stringify(s.checker),
    }),

  events: async (filter: ServiceRef & { ip?: string; port?: number }, pageSize: number, signal?: AbortSignal) =>
    await getJson<{ total: number; events: JournalEvent[] }>('/v1/cairn/events', { ...refParams(filter), ip: filter.ip, port: filter.port, pageSize }, signal),
  diagnosis: (ref: ServiceRef, ip: string, port: number, signal?: AbortSignal) => getJson<Diagnosis>('/v1/cairn/diagnosis', { ...refParams(ref), ip, port }, signal),
};
