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
    return { ...ref, ip: p.required('ip'), port: p.requiredInt('port'), cluster: clusterParam(p) };
  }
  const ip = typeof json.ip === 'string' && json.ip !== '' ? json.ip : p.required('ip');
  const port = json.port === undefined ? p.requiredInt('port') : Number(json.port);
  if (!Number.isInteger(port)) throw invalidParam('beat', "Param 'beat' has a 'port' that is not an integer.");
  const cluster = typeof json.cluster === 'string' && json.cluster !== '' ? json.cluster : (p.str('clusterName') ?? DEFAULT_CLUSTER);
  const weight = json.weight === undefined ? undefined : Number(json.weight);
  if (weight !== undefined && !Number.isFinite(weight)) throw invalidParam('beat', "Param 'beat' has a 'weight' that is not a number.");
  const metadata = json.metadata === undefined || json.metadata === null ? undefined : objectOrFail(json.metadata);
  return { ...ref, ip, port, cluster, body: { weight, metadata } };
}

/**
 * The beat answer, the same JSON on v1 and v2 (v2 does not wrap it): `lightBeatEnabled` is the switch's value now,
 * which tells 1.x clients whether they may leave the beat JSON out of the next beats.
 */
export function beatAnswer(result: BeatResult, switches: SwitchDomain): { clientBeatInterval: number; code: number; lightBeatEnabled: boolean } {
  return { clientBeatInterval: result.clientBeatIntervalMs, code: result.code, lightBeatEnabled: switches.setting('lightBeatEnabled') };
}

function objectOrFail(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam('beat', "Param 'beat' has a 'metadata' that is not an object.");
  return toStringMap(value as Record<string, unknown>, 'beat');
}
