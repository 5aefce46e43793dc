import { DEFAULT_CLUSTER, invalidParam, type Beat } from '@cairn/core';
import { toStringMap, type Params } from '../params.js';
import { clusterParam, serviceRefV1 } from './wire-params.js';

/** The beat: ip, port and cluster from the beat JSON when present (it wins), else from the parameters. */
export function parseBeat(p: Params): Beat {
  const ref = serviceRefV1(p);
  const json = p.jsonObject('beat');
  if (!json) {
    return { ...ref, ip: p.required('ip'), port: p.requiredInt('port'), cluster: clusterParam(p) };
  }
  const ip = typeof json.ip === 'string' && json.ip !== '' ? json.ip : p.required('ip');
  const port = json.port === undefined ? p.requiredInt('port') : Number(json.port);
  if (!Number.isInteger(port)) throw invalidParam('beat', "Param 'beat' has a 'port' that is not an integer.");
  const cluster = typeof json.cluster === 'string' && json.cluster !== '' ? json.cluster : p.str('clusterName') ?? DEFAULT_CLUSTER;
  const weight = json.weight === undefined ? undefined : Number(json.weight);
  if (weight !== undefined && !Number.isFinite(weight)) throw invalidParam('beat', "Param 'beat' has a 'weight' that is not a number.");
  const metadata = json.metadata === undefined || json.metadata === null ? undefined : objectOrFail(json.metadata);
  return { ...ref, ip, port, cluster, body: { weight, metadata } };
}

function objectOrFail(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam('beat', "Param 'beat' has a 'metadata' that is not an object.");
  return toStringMap(value as Record<string, unknown>, 'beat');
}
