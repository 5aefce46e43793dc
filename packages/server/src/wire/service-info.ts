import { groupedName, serviceKey, type InstanceView, type Registry, type ReadonlyService, type ServiceRef } from '@cairn/core';

export const CACHE_MILLIS = 10_000;

export interface ServiceInfoRequest extends ServiceRef {
  /** The `clusters` string exactly as the client sent it: the npm client files answers under it. */
  clusters: string;
  healthyOnly: boolean;
}

interface CachedHosts {
  service: ReadonlyService | undefined;
  revision: number;
  hostsJson: string;
  reached: boolean;
  count: number;
  /** The encoded answer around `lastRefTime`, built on first use. */
  encoded?: { head: Buffer; tail: Buffer };
  /** The whole encoded answer for one millisecond: a hot list is answered from it without allocating. */
  body?: { at: number; bytes: Buffer };
}
const MAX_CACHED = 20_000;
const MAX_KEY_CHARS = 1024;

/**
 * Builds the ServiceInfo answer of `/instance/list` and of UDP pushes. The hosts part is cached per service
 * revision, so a hot service's list costs a map lookup; `lastRefTime` is the answer's time and never goes back.
 */
export class ServiceInfoCache {
  private readonly cache = new Map<string, CachedHosts>();
  private lastRefTime = 0;

  constructor(private readonly registry: Registry) {}

  json(req: ServiceInfoRequest): string {
    const hosts = this.hosts(req);
    return `${head(req, hosts)}${this.refTime()}${tail(req, hosts)}`;
  }

  /**
   * The same answer as `json`, UTF-8 encoded, for the hot v1 list route. Answers within one millisecond share one
   * buffer: at thousands of lists a second, a fresh 25 KB buffer per answer makes the garbage collector the
   * bottleneck.
   */
  body(req: ServiceInfoRequest): Buffer {
    const hosts = this.hosts(req);
    const at = this.refTime();
    if (hosts.body?.at === at) return hosts.body.bytes;
    hosts.encoded ??= { head: Buffer.from(head(req, hosts)), tail: Buffer.from(tail(req, hosts)) };
    const bytes = Buffer.concat([hosts.encoded.head, Buffer.from(String(at)), hosts.encoded.tail]);
    hosts.body = { at, bytes };
    return bytes;
  }

  /**
   * `lastRefTime` is the time of the answer (as in Nacos 2.x), never earlier than a previous answer's: clients only
   * warn when it goes backwards. A counter bumped on every answer would drift ahead of the clock under load.
   */
  private refTime(): number {
    this.lastRefTime = Math.max(this.registry.now(), this.lastRefTime);
    return this.lastRefTime;
  }

  /** Host count of the last answer for this request, for metrics and tests. */
  hosts(req: ServiceInfoRequest): CachedHosts {
    const serviceKeyed = serviceKey(req);
    const service = this.registry.serviceByKey(serviceKeyed);
    const key = `${serviceKeyed}|${req.clusters}|${req.healthyOnly}`;
    const cached = this.cache.get(key);
    const revision = service ? service.revision : -1;
    // Revisions restart at 0 when a removed service is created again, so the entry must be for this very service.
    if (cached && cached.service === service && cached.revision === revision) return cached;
    const clusters = req.clusters
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    const result = this.registry.query(req, { clusters, healthyOnly: req.healthyOnly });
    const fresh: CachedHosts = { service, revision, hostsJson: JSON.stringify(result.hosts.map(wireHost)), reached: result.reachProtectionThreshold, count: result.hosts.length };
    // Unknown services and odd cluster strings are cheap to answer and would only let a caller fill the cache.
    if (!service || key.length > MAX_KEY_CHARS) return fresh;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, fresh);
    return fresh;
  }
}

function head(req: ServiceInfoRequest, hosts: CachedHosts): string {
  const name = groupedName(req.group, req.name);
  return `{"name":${JSON.stringify(name)},"groupName":${JSON.stringify(req.group)},"clusters":${JSON.stringify(req.clusters)},` + `"cacheMillis":${CACHE_MILLIS},"hosts":${hosts.hostsJson},"lastRefTime":`;
}

function tail(req: ServiceInfoRequest, hosts: CachedHosts): string {
  return `,"checksum":"","allIPs":false,"reachProtectionThreshold":${hosts.reached},"valid":true,` + `"dom":${JSON.stringify(groupedName(req.group, req.name))},"env":"","useSpecifiedURL":false,"metadata":{}}`;
}

/** One host as Nacos's v1 list shows it: the instance view plus the 1.x fields `valid` and `marked`. */
export function wireHost(view: InstanceView): Record<string, unknown> {
  return {
    instanceId: view.instanceId,
    ip: view.ip,
    port: view.port,
    weight: view.weight,
    healthy: view.healthy,
    enabled: view.enabled,
    ephemeral: view.ephemeral,
    clusterName: view.clusterName,
    serviceName: view.serviceName,
    metadata: view.metadata,
    instanceHeartBeatInterval: view.instanceHeartBeatInterval,
    instanceHeartBeatTimeOut: view.instanceHeartBeatTimeOut,
    ipDeleteTimeout: view.ipDeleteTimeout,
    instanceIdGenerator: view.instanceIdGenerator,
    valid: view.healthy,
    marked: false,
  };
}
