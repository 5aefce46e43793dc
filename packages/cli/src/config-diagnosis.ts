import { apiUrl, httpRequest, type HttpAnswer } from './http.js';

/** One client of a config in the server's diagnosis (`GET /v1/cairn/config/diagnosis`). */
export interface ConfigClientView {
  ip: string;
  agent: string;
  md5: string;
  expectedMd5: string;
  current: boolean;
  listening: boolean;
  heldNow: boolean;
  /** Its first poll; absent for a client that only read the config. */
  listeningSince?: number;
  notifiedAt?: number;
  notifiedMd5?: string;
  fetchedAt?: number;
  fetchedMd5?: string;
  source: 'live' | 'journal';
  sentence: string;
}

/** The server's answer to "which clients hold which version of this config?". */
export interface ConfigDiagnosisView {
  dataId: string;
  group: string;
  tenant: string;
  sentence: string;
  askedFrom: string;
  config: { exists: boolean; md5: string; modifiedAt: number | null };
  clients: ConfigClientView[];
}

export interface ConfigRef {
  dataId: string;
  group: string;
  /** The namespace id; `public` and blank are the default namespace. */
  namespace: string;
}

/** Asks the server for its diagnosis of one config; a plain Nacos server answers 404 (it has none). */
export function requestConfigDiagnosis(baseUrl: string, ref: ConfigRef, auth: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest(apiUrl(baseUrl, '/v1/cairn/config/diagnosis', { dataId: ref.dataId, group: ref.group, tenant: ref.namespace === 'public' ? '' : ref.namespace, ...auth }));
}

/** The diagnosis in an answer, or undefined when the answer is not one. */
export function diagnosisOf(answer: HttpAnswer): ConfigDiagnosisView | undefined {
  const body = answer.json() as ConfigDiagnosisView | undefined;
  return answer.status === 200 && body && typeof body.sentence === 'string' && Array.isArray(body.clients) ? body : undefined;
}

/** `10:02:01` (UTC) for an epoch-ms time, `-` when absent. */
export function utcTime(at: number | undefined): string {
  return at === undefined ? '-' : new Date(at).toISOString().slice(11, 19);
}
