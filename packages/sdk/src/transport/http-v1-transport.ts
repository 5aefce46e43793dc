import type { ServerAddress } from '../address.js';
import { authRefusal, isStaleToken } from '../auth/token-source.js';
import { CairnRequestError, kindOfNetworkError } from '../errors.js';
import type { ResolvedOptions } from '../resolved-options.js';
import { httpRequest, type HttpAnswer, type HttpCall } from './http-request.js';
import type { BeatAnswer, BeatingTransport, ListAnswer, PushAddress, Registration, ServiceKey } from './naming-transport.js';
import { parseListAnswer } from './list-answer.js';
import { ServerPool } from './server-pool.js';

/** Nacos HTTP Open API v1 (`/v1/ns/...`) over the server pool, with failover. */
export class HttpV1Transport implements BeatingTransport {
  readonly keeps = 'beats';
  readonly pool: ServerPool;

  constructor(private readonly o: ResolvedOptions) {
    this.pool = new ServerPool(o.servers, () => o.clock.now(), o.random);
  }

  async register(r: Registration): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/v1/ns/instance',
      params: {
        ...this.serviceParams(r),
        clusterName: r.clusterName,
        ip: r.ip,
        port: String(r.port),
        weight: String(r.weight),
        enable: String(r.enabled),
        healthy: String(r.healthy),
        ephemeral: String(r.ephemeral),
        metadata: JSON.stringify(r.metadata),
      },
    });
  }

  async deregister(r: Registration): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: '/v1/ns/instance',
      params: {
        ...this.serviceParams(r),
        clusterName: r.clusterName,
        ip: r.ip,
        port: String(r.port),
        ephemeral: String(r.ephemeral),
      },
    });
  }

  async beat(r: Registration, light: boolean): Promise<BeatAnswer> {
    const params: Record<string, string> = { ...this.serviceParams(r), clusterName: r.clusterName, ip: r.ip, port: String(r.port) };
    if (!light) {
      params.beat = JSON.stringify({ serviceName: `${r.group}@@${r.service}`, ip: r.ip, port: r.port, cluster: r.clusterName, weight: r.weight, metadata: r.metadata, ephemeral: true });
    }
    const { body } = await this.call({ method: 'PUT', path: '/v1/ns/instance/beat', params });
    const json = parseJson(body) as { code?: unknown; clientBeatInterval?: unknown; lightBeatEnabled?: unknown } | undefined;
    if (!json || typeof json !== 'object') throw new CairnRequestError(`beat answer is not JSON: ${body.slice(0, 100)}`, 'bad-answer');
    const interval = Number(json.clientBeatInterval);
    return {
      code: json.code === undefined ? 10200 : Number(json.code),
      ...(Number.isFinite(interval) && interval > 0 ? { clientBeatIntervalMs: interval } : {}),
      lightBeatEnabled: json.lightBeatEnabled === true,
    };
  }

  async list(key: ServiceKey, push?: PushAddress): Promise<ListAnswer> {
    const params: Record<string, string> = {
      namespaceId: key.namespace,
      serviceName: `${key.group}@@${key.service}`,
      groupName: key.group,
      clusters: key.clusters,
      healthyOnly: 'false',
    };
    if (push) Object.assign(params, { clientIP: push.clientIP, udpPort: String(push.udpPort) });
    const { body } = await this.call({ method: 'GET', path: '/v1/ns/instance/list', params });
    return parseListAnswer(body);
  }

  close(): void {}

  /** One request, tried on each server in the pool's order until one answers; 4xx answers are final. */
  async call(c: HttpCall): Promise<HttpAnswer> {
    let last: CairnRequestError | undefined;
    for (const server of this.pool.order()) {
      try {
        const answer = await this.once(server, c);
        this.pool.succeeded(server);
        return answer;
      } catch (error) {
        const e = error as CairnRequestError;
        if (c.signal?.aborted) throw e; // the caller gave up: the server did nothing wrong
        if (e.kind === 'client-error') {
          this.pool.succeeded(server); // the server is fine; the request is not
          throw e;
        }
        this.pool.failed(server, e.kind, this.o.random);
        last = e;
      }
    }
    throw last ?? new CairnRequestError('no server to try', 'other');
  }

  /**
   * One request to one server, no failover. Rejects with `CairnRequestError` for anything but a 2xx, and with
   * `CairnAuthError` when the server refuses the credentials; a token refused as expired or invalid is replaced by
   * a new login once and the request sent again.
   */
  async once(server: ServerAddress, c: HttpCall, renewed = false): Promise<HttpAnswer> {
    const path = (server.path ?? this.o.contextPath) + c.path;
    const sent = await this.o.tokens.credentialsFor(server);
    const params = { ...c.params, ...sent };
    let answer: HttpAnswer;
    try {
      answer = await httpRequest(server, { ...c, path, params }, c.timeoutMs ?? this.o.requestTimeoutMs, this.o.lookup);
    } catch (error) {
      const kind = kindOfNetworkError(error);
      const code = (error as { code?: string }).code;
      const message = (error as Error).message;
      const prefix = code && code !== 'CAIRN_TIMEOUT' && !message.includes(code) ? `${code} ` : '';
      throw new CairnRequestError(`${c.method} ${path} on ${server.label} failed: ${prefix}${message}`, kind, server.label);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const body = this.o.tokens.scrub(answer.body);
    if (sent.accessToken !== undefined && !renewed && isStaleToken(answer.status, body)) {
      const final = this.o.tokens.refused(sent.accessToken, server.label, answer.status, body);
      if (final) throw final;
      return this.once(server, c, true);
    }
    if (answer.status === 401 || answer.status === 403) {
      throw authRefusal(`${c.method} ${path} on ${server.label} answered HTTP ${answer.status}: ${body}`, server.label, answer.status, body, Object.keys(sent).length > 0, this.o.tokens.username);
    }
    const kind = c.isFinal?.(answer) || (answer.status < 500 && answer.status !== 429) ? 'client-error' : 'server-error';
    throw new CairnRequestError(`${c.method} ${path} on ${server.label} answered HTTP ${answer.status}: ${body}`, kind, server.label, answer.status, body);
  }

  private serviceParams(r: Registration): Record<string, string> {
    return { namespaceId: r.namespace, serviceName: `${r.group}@@${r.service}`, groupName: r.group };
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
