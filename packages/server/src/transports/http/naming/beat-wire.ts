import { DEFAULT_CLUSTER, invalidParam, type Beat, type BeatResult, type ServiceRef } from '@cairn/core';
import { toStringMap, type Params } from '../params.js';
import type { SwitchDomain } from './switch-domain.js';
import { clusterParam } from './wire-params.js';

/**
 * The heartbeat as v1 and v2 read it (they differ only in how the service is named, which the caller resolves):
 * ip, port and cluster from the beat JSON when present (it wins), else from the parameters.
 */
export function parseBeat(p: Params, ref: ServiceRef): Beat {
  const json = p.jsonObject('beat');
  if (!json) {
    return { namespace: ref.namespace, group: ref.group, name: ref.name, ip: p.required('ip'), port: p.requiredInt('port'), cluster: clusterParam(p) };
  }
  checkBeatTypes(json);
  const ip = typeof json.ip === 'string' && json.ip !== '' ? json.ip : p.required('ip');
  const port = absent(json.port) ? p.requiredInt('port') : Number(json.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidParam('beat', "Param 'beat' has a 'port' that is not an integer from 1 to 65535.");
  const cluster = typeof json.cluster === 'string' && json.cluster !== '' ? json.cluster : (p.str('clusterName') ?? DEFAULT_CLUSTER);
  const weight = absent(json.weight) ? undefined : Number(json.weight);
  if (weight !== undefined && !Number.isFinite(weight)) throw invalidParam('beat', "Param 'beat' has a 'weight' that is not a number.");
  const metadata = absent(json.metadata) ? undefined : toStringMap(json.metadata as Record<string, unknown>, 'beat');
  // Written out, not spread: on this V8 a spread followed by more fields leaves the fast clone path (a few µs per beat).
  return { namespace: ref.namespace, group: ref.group, name: ref.name, ip, port, cluster, body: { weight, metadata } };
}

// The fields of the Java client's BeatInfo and the JSON type each must have. Numbers may also come as numeric
// strings (Nacos's JSON reader turns "8080" into 8080); a boolean, an array or an object where a number belongs is
// refused instead of being read as 1 or 8080.
const BEAT_FIELDS: Record<string, 'string' | 'number' | 'boolean' | 'object'> = {
  ip: 'string',
  port: 'number',
  weight: 'number',
  period: 'number',
  cluster: 'string',
  serviceName: 'string',
  scheduled: 'boolean',
  stopped: 'boolean',
  metadata: 'object',
};
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ARTICLE: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object' };

const BEAT_FIELD_LIST = Object.entries(BEAT_FIELDS);

function checkBeatTypes(json: Record<string, unknown>): void {
  for (const [field, type] of BEAT_FIELD_LIST) {
    const value = json[field];
    if (absent(value)) continue;
    const ok = type === 'number' ? typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim())) : type === 'object' ? typeof value === 'object' && !Array.isArray(value) : typeof value === type;
    if (!ok) throw invalidParam('beat', `Param 'beat' has a '${field}' that is not ${ARTICLE[type]}: ${shown(value)}.`);
  }
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 32 ? `${text.slice(0, 32)}…` : text;
}

/**
 * The beat answer, the same JSON on v1 and v2 (v2 does not wrap it): `lightBeatEnabled` is the switch's value now,
 * which tells 1.x clients whether they may leave the beat JSON out of the next beats.
 */
export function beatAnswer(result: BeatResult, switches: SwitchDomain): { clientBeatInterval: number; code: number; lightBeatEnabled: boolean } {
  return { clientBeatInterval: result.clientBeatIntervalMs, code: result.code, lightBeatEnabled: switches.setting('lightBeatEnabled') };
}
