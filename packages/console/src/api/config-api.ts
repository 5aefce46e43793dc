import { blurPattern, matchesBlur } from '../logic/config-search.js';
import { PUBLIC } from '../logic/routes.js';
import { API_BASE, ApiError, authHeaders, getJson, refusal, send } from './http.js';

/**
 * Typed calls to the config center's HTTP APIs the console uses: Nacos's v1 config and history paths, and
 * Cairn's own gray, rollback and diagnosis paths. Where a server lacks an API (an older build), the call fails with
 * an ApiError that says which feature is missing rather than the router's bare 404.
 */

export interface ConfigRef {
  namespace: string;
  group: string;
  dataId: string;
}

/** `GET /v1/cs/configs?show=all`: Nacos's ConfigAllInfo. */
export interface ConfigInfo {
  id: string;
  dataId: string;
  group: string;
  tenant: string;
  content: string;
  md5: string;
  type: string;
  appName: string;
  desc: string | null;
  configTags: string | null;
  createTime: number;
  modifyTime: number;
  createUser: string | null;
  createIp: string;
}

export interface ConfigSummary {
  id: string;
  dataId: string;
  group: string;
  appName: string;
  type: string;
}

export interface HistoryItem {
  id: string;
  md5: string;
  content: string;
  srcIp: string;
  srcUser: string | null;
  opType: string;
  createdTime: string;
  appName: string;
}

export interface NacosPage<T> {
  totalCount: number;
  pageNumber: number;
  pagesAvailable: number;
  pageItems: T[];
}

/** One gray version of a config (beta to a list of IPs, or a tag). */
export interface GrayVersion {
  grayName: string;
  kind: 'beta' | 'tag';
  betaIps?: string[];
  tag?: string;
  md5: string;
  content: string;
  modifiedAt: number;
  author: { sourceIp: string; claimedUser: string; clientAgent: string };
}

export interface ListenerClient {
  ip: string;
  agent: string;
  md5: string;
  expectedMd5: string;
  current: boolean;
  listening: boolean;
  gray?: string;
  lastPollAt?: number;
  heldSince?: number;
  notifiedAt?: number;
  fetchedAt?: number;
  sentence: string;
}

export interface ConfigDiagnosis {
  sentence: string;
  config: { exists: boolean; md5: string; modifiedAt: number; gray: unknown[] };
  clients: ListenerClient[];
}

export interface ImportResult {
  succCount: number;
  skipCount: number;
  failData?: { dataId: string; group: string }[];
  skipData?: { dataId: string; group: string }[];
}

/** What an operator publishes. */
export interface ConfigDraft {
  content: string;
  type: string;
  appName: string;
  desc: string;
  tags: string;
}

export type ImportPolicy = 'ABORT' | 'SKIP' | 'OVERWRITE';

/** The default namespace is the empty tenant on the wire (Cairn reads `public` as the default too). */
export function tenantOf(namespace: string): string {
  return namespace === PUBLIC ? '' : namespace;
}

function keyParams(ref: ConfigRef): Record<string, string> {
  return { dataId: ref.dataId, group: ref.group, tenant: tenantOf(ref.namespace) };
}

function draftParams(draft: ConfigDraft): Record<string, string> {
  return { content: draft.content, type: draft.type, appName: draft.appName, desc: draft.desc, config_tags: draft.tags };
}

// Whether the server has the search API; learnt from the first list request, so a server without it costs one
// refused request per page load, not one per refresh.
let searchAvailable: boolean | undefined;

async function list(namespace: string, filter: { dataId: string; group: string; appName: string; pageNo: number; pageSize: number }, signal?: AbortSignal): Promise<NacosPage<ConfigSummary>> {
  const dataId = blurPattern(filter.dataId);
  const group = blurPattern(filter.group);
  if (searchAvailable !== false) {
    try {
      const page = await getJson<NacosPage<ConfigSummary>>('/v1/cs/configs', { search: 'blur', dataId, group, appName: filter.appName || undefined, tenant: tenantOf(namespace), pageNo: filter.pageNo, pageSize: filter.pageSize }, signal);
      searchAvailable = true;
      return page;
    } catch (e) {
      // A server without the search API reads the request as a plain read and refuses the blank dataId (400).
      if (!(e instanceof ApiError) || searchAvailable === true || (e.status !== 400 && e.status !== 404)) throw e;
      searchAvailable = false;
    }
  }
  // Without the search API: the namespace's catalogue, filtered and paged here.
  const all = (await getJson<{ data: ConfigSummary[] }>('/v2/cs/history/configs', { namespaceId: tenantOf(namespace) }, signal)).data;
  const found = all.filter((c) => matchesBlur(dataId, c.dataId) && matchesBlur(group, c.group) && (!filter.appName || c.appName === filter.appName));
  const start = (filter.pageNo - 1) * filter.pageSize;
  return { totalCount: found.length, pageNumber: filter.pageNo, pagesAvailable: Math.ceil(found.length / filter.pageSize), pageItems: found.slice(start, start + filter.pageSize) };
}

/** Rewrites the router's 404 for a path this server does not have into a message that names the feature. */
async function feature<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && /^no such endpoint:/.test(e.message)) {
      throw new ApiError(404, `This server has no ${what} API (it answered 404).`);
    }
    throw e;
  }
}

export const configApi = {
  list,

  /** The current version, or null when the config does not exist. */
  get: async (ref: ConfigRef, signal?: AbortSignal): Promise<ConfigInfo | null> => {
    const text = await send('GET', '/v1/cs/configs', { ...keyParams(ref), show: 'all' }, { signal });
    return text.trim() === '' ? null : (JSON.parse(text) as ConfigInfo);
  },

  /** Publishes; with `casMd5`, only over that version (the server refuses if someone published in between). */
  publish: (ref: ConfigRef, draft: ConfigDraft, casMd5?: string) => send('POST', '/v1/cs/configs', { ...keyParams(ref), ...draftParams(draft) }, { headers: casMd5 ? { casMd5 } : undefined }),

  remove: (ref: ConfigRef) => send('DELETE', '/v1/cs/configs', keyParams(ref)),

  history: (ref: ConfigRef, pageNo: number, pageSize: number, signal?: AbortSignal) => getJson<NacosPage<HistoryItem>>('/v1/cs/history', { search: 'accurate', ...keyParams(ref), pageNo, pageSize }, signal),

  historyRecord: (ref: ConfigRef, nid: number, signal?: AbortSignal) => getJson<HistoryItem>('/v1/cs/history', { ...keyParams(ref), nid }, signal),

  rollback: (ref: ConfigRef, nid: number) => feature('rollback', () => send('POST', '/v1/cairn/config/rollback', { ...keyParams(ref), nid })),

  grays: (ref: ConfigRef, signal?: AbortSignal) => feature('gray release', () => getJson<{ grays: GrayVersion[] }>('/v1/cairn/config/gray', keyParams(ref), signal)),

  publishBeta: (ref: ConfigRef, draft: ConfigDraft, ips: string[]) => send('POST', '/v1/cs/configs', { ...keyParams(ref), ...draftParams(draft) }, { headers: { betaIps: ips.join(',') } }),

  stopBeta: (ref: ConfigRef) => feature('beta release', () => send('DELETE', '/v1/cs/configs', { ...keyParams(ref), beta: true })),

  promote: (ref: ConfigRef, grayName: string) => feature('gray promote', () => send('POST', '/v1/cairn/config/gray/promote', { ...keyParams(ref), grayName })),

  diagnosis: (ref: ConfigRef, signal?: AbortSignal) => feature('config diagnosis', () => getJson<ConfigDiagnosis>('/v1/cairn/config/diagnosis', keyParams(ref), signal)),

  /** The namespace's configs as a Nacos v2 zip (with `.metadata.yml`). */
  exportZip: (namespace: string) => feature('export', () => download('/v1/cs/configs', { exportV2: 'true', tenant: tenantOf(namespace) })),

  importZip: async (namespace: string, file: File, policy: ImportPolicy): Promise<ImportResult> => {
    const form = new FormData();
    form.set('file', file);
    const text = await feature('import', () => send('POST', '/v1/cs/configs', { import: 'true', namespace: tenantOf(namespace), policy }, { form }));
    const body = JSON.parse(text) as { code: number; message: string; data?: ImportResult };
    if (body.code !== 200 || !body.data) throw new ApiError(200, body.message || 'the import failed');
    return body.data;
  },
};

async function download(path: string, params: Record<string, string>): Promise<Blob> {
  const res = await fetch(`${API_BASE}${path}?${new URLSearchParams(params)}`, { headers: authHeaders() });
  if (!res.ok) throw refusal(res.status, await res.text());
  return res.blob();
}
