import type { ConfigGray } from '@cairn/core';
import { betaInfo } from '../gray-wire.js';

/** `GET /v1/cs/configs?beta=true`: Nacos's RestResult of the beta version, `data` null when there is none. */
export function betaQueryResult(beta: ConfigGray | undefined): Record<string, unknown> {
  return { code: 200, message: 'query beta ok', data: beta ? betaInfo(beta) : null };
}

/** `DELETE /v1/cs/configs?beta=true`: Nacos's RestResult, `true` also when there was no beta version. */
export const STOP_BETA_RESULT = Object.freeze({ code: 200, message: 'stop beta ok', data: true });
