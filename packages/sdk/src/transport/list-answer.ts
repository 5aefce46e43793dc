import { CairnRequestError } from '../errors.js';
import type { Instance } from '../types.js';
import type { ListAnswer } from './naming-transport.js';

const DEFAULT_CACHE_MILLIS = 10_000;

/** Reads a ServiceInfo JSON (list answer or UDP push `data`) into typed instances; tolerant of 1.x/2.x shapes. */
export function parseListAnswer(body: string): ListAnswer {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new CairnRequestError(`list answer is not JSON: ${body.slice(0, 100)}`, 'bad-answer');
  }
  if (typeof json !== 'object' || json === null) throw new CairnRequestError('list answer is not a JSON object', 'bad-answer');
  return listAnswerOf(json);
}

/** A parsed ServiceInfo (HTTP list answer, UDP push, or the `serviceInfo` of a gRPC answer or push). */
export function listAnswerOf(json: Record<string, unknown>): ListAnswer {
  const hosts = Array.isArray(json.hosts) ? json.hosts : [];
  const cacheMillis = Number(json.cacheMillis);
  return {
    instances: hosts.filter((h): h is Record<string, unknown> => typeof h === 'object' && h !== null).map(toInstance),
    cacheMillis: Number.isFinite(cacheMillis) && cacheMillis > 0 ? cacheMillis : DEFAULT_CACHE_MILLIS,
    lastRefTime: Number(json.lastRefTime) || 0,
    reachProtectionThreshold: json.reachProtectionThreshold === true,
  };
}

function toInstance(h: Record<string, unknown>): Instance {
  const ip = String(h.ip ?? '');
  const port = Number(h.port);
  const clusterName = typeof h.clusterName === 'string' && h.clusterName !== '' ? h.clusterName : 'DEFAULT';
  const serviceName = String(h.serviceName ?? '');
  const metadata: Record<string, string> = {};
  if (typeof h.metadata === 'object' && h.metadata !== null) {
    for (const [k, v] of Object.entries(h.metadata)) metadata[k] = String(v);
  }
  return {
    instanceId: typeof h.instanceId === 'string' && h.instanceId !== '' ? h.instanceId : `${ip}#${port}#${clusterName}#${serviceName}`,
    ip,
    port,
    weight: h.weight === undefined ? 1 : Number(h.weight),
    healthy: h.healthy !== false,
    enabled: h.enabled !== false,
    ephemeral: h.ephemeral !== false,
    clusterName,
    serviceName,
    metadata,
  };
}
