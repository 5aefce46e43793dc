import { createHash } from 'node:crypto';
import { CairnRequestError } from '../errors.js';
import type { HttpAnswer } from '../transport/http-request.js';
import type { HttpV1Transport } from '../transport/http-v1-transport.js';
import type { ConfigHistoryEntry, HistoryPage } from './config-types.js';

/** A config's identity on the wire. */
export interface ConfigKey {
  dataId: string;
  group: string;
  tenant: string;
}

/** A stored config as read. */
export interface StoredConfig {
  content: string;
  md5: string;
  type: string;
}

/** What a publish carries besides the content. */
export interface PublishWire {
  type?: string;
  casMd5?: string;
  srcUser?: string;
  betaIps?: readonly string[];
  tag?: string;
}

/**
 * What the config client reads, writes and watches through: the v1 HTTP API (`ConfigWire`) or Nacos 2.x gRPC
 * (`GrpcConfigWire`). A failed compare-and-set rejects with `CairnConflictError` (over HTTP, the client maps it).
 */
export interface ConfigTransport {
  /** The stored config, or undefined when it does not exist. */
  get(key: ConfigKey): Promise<StoredConfig | undefined>;
  publish(key: ConfigKey, content: string, options: PublishWire): Promise<void>;
  remove(key: ConfigKey, srcUser?: string): Promise<void>;
  /**
   * Waits up to `holdMs` for a change of the config from `md5` (`''` = none held); true when the server says it
   * changed. `signal` stands for one watch: the same one on each of its polls, aborted when it ends.
   */
  poll(key: ConfigKey, md5: string, holdMs: number, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  close(): void;
}

const WORD = '\u0002';
const LINE = '\u0001';
/** Nacos's answer to a compare-and-set publish whose `casMd5` no longer matches (HTTP 500). */
const CAS_FAILED = /Cas publish fail/i;

export function md5Of(content: string): string {
  return createHash('md5').update(content, 'utf8').digest('hex');
}

/**
 * The Nacos config Open API v1 (`/v1/cs/...`, spec §6) over the naming client's transport: the same server
 * list, failover, timeouts and typed errors.
 */
export class ConfigWire implements ConfigTransport {
  constructor(private readonly http: HttpV1Transport) {}

  /** The stored config, or undefined on 404. */
  async get(key: ConfigKey): Promise<StoredConfig | undefined> {
    try {
      const answer = await this.http.call({ method: 'GET', path: '/v1/cs/configs', params: keyParams(key) });
      return { content: answer.body, md5: answer.headers['content-md5'] || md5Of(answer.body), type: answer.headers['config-type'] || 'text' };
    } catch (error) {
      if (error instanceof CairnRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  async publish(key: ConfigKey, content: string, options: PublishWire): Promise<void> {
    const form: Record<string, string> = { ...keyParams(key), content };
    if (options.type !== undefined) form.type = options.type;
    if (options.srcUser !== undefined) form.src_user = options.srcUser;
    if (options.tag !== undefined) form.tag = options.tag;
    const headers: Record<string, string> = {};
    if (options.casMd5 !== undefined) headers.casMd5 = options.casMd5;
    if (options.betaIps !== undefined) headers.betaIps = options.betaIps.join(',');
    await this.http.call({
      method: 'POST',
      path: '/v1/cs/configs',
      params: {},
      form,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      isFinal: isCasFailure,
    });
  }

  async remove(key: ConfigKey, srcUser?: string): Promise<void> {
    await this.http.call({ method: 'DELETE', path: '/v1/cs/configs', params: { ...keyParams(key), ...(srcUser === undefined ? {} : { src_user: srcUser }) } });
  }

  /**
   * One long poll: answers at once when the server's MD5 differs from `md5` (`''` = we have none), else after up
   * to `holdMs`. True when the server named this key as changed.
   */
  async poll(key: ConfigKey, md5: string, holdMs: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const record = [key.dataId, key.group, md5, ...(key.tenant === '' ? [] : [key.tenant])].join(WORD) + LINE;
    const answer = await this.http.call({
      method: 'POST',
      path: '/v1/cs/configs/listener',
      params: {},
      form: { 'Listening-Configs': record },
      headers: { 'Long-Pulling-Timeout': String(holdMs) },
      timeoutMs,
      signal,
    });
    return changedKeys(answer).some((k) => k.dataId === key.dataId && k.group === key.group && k.tenant === key.tenant);
  }

  close(): void {}

  /** Cairn's rollback: publishes history record `nid`'s version again; answers the config as it now is. */
  async rollback(key: ConfigKey, nid: string): Promise<{ content: string; md5: string; type: string }> {
    const answer = await this.http.call({ method: 'POST', path: '/v1/cairn/config/rollback', params: { ...keyParams(key), nid } });
    const info = parse(answer) as { content?: unknown; md5?: unknown; type?: unknown };
    if (typeof info.content !== 'string' || typeof info.md5 !== 'string') throw new CairnRequestError(`rollback answer has no content: ${answer.body.slice(0, 100)}`, 'bad-answer');
    return { content: info.content, md5: info.md5, type: typeof info.type === 'string' ? info.type : 'text' };
  }

  async history(key: ConfigKey, pageNo: number, pageSize: number): Promise<HistoryPage> {
    const answer = await this.http.call({
      method: 'GET',
      path: '/v1/cs/history',
      params: { search: 'accurate', ...keyParams(key), pageNo: String(pageNo), pageSize: String(pageSize) },
    });
    const page = parse(answer) as { totalCount?: unknown; pageNumber?: unknown; pageItems?: unknown };
    if (!Array.isArray(page.pageItems)) throw new CairnRequestError(`history answer has no pageItems: ${answer.body.slice(0, 100)}`, 'bad-answer');
    return { total: Number(page.totalCount ?? 0), pageNo: Number(page.pageNumber ?? pageNo), entries: page.pageItems.map(historyEntry) };
  }
}

function keyParams(key: ConfigKey): Record<string, string> {
  return { dataId: key.dataId, group: key.group, ...(key.tenant === '' ? {} : { tenant: key.tenant }) };
}

function isCasFailure(answer: HttpAnswer): boolean {
  return answer.status === 500 && CAS_FAILED.test(answer.body);
}

/** The listener's answer: URL-encoded `dataId 0x02 group [0x02 tenant] 0x01` per changed key. */
export function changedKeys(answer: HttpAnswer): ConfigKey[] {
  const text = answer.body.trim();
  if (text === '') return [];
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw new CairnRequestError(`listener answer is not URL-encoded: ${text.slice(0, 100)}`, 'bad-answer');
  }
  return decoded
    .split(LINE)
    .filter((r) => r !== '')
    .map((r) => {
      const [dataId = '', group = '', tenant = ''] = r.split(WORD);
      return { dataId, group, tenant };
    });
}

function parse(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    throw new CairnRequestError(`answer is not JSON: ${answer.body.slice(0, 100)}`, 'bad-answer');
  }
}

function historyEntry(raw: unknown): ConfigHistoryEntry {
  const h = raw as Record<string, unknown>;
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    id: s(h.id),
    dataId: s(h.dataId),
    group: s(h.group),
    namespace: s(h.tenant),
    op: s(h.opType).trim(),
    version: s(h.publishType) === 'gray' && s(h.grayName) !== '' ? s(h.grayName) : 'main',
    md5: s(h.md5),
    content: s(h.content),
    at: s(h.lastModifiedTime ?? h.createdTime),
    author: s(h.srcUser),
    sourceIp: s(h.srcIp),
  };
}
