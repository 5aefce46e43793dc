import { configKeyOf, DomainError, invalidParam, type ConfigKey, type ErrorCode, type ServedConfig } from '@cairn/core';
import { failure, type GrpcResponse } from '../grpc-wire.js';

export { failure, headerOf } from '../grpc-wire.js';

/** Nacos's `errorCode` of ConfigQueryResponse when the config does not exist. */
export const CONFIG_NOT_FOUND_CODE = 300;

/**
 * Core error codes as config responses answer them (resultCode 500 with this errorCode): Nacos's INVALID_PARAM
 * (400) for bad input, ResponseCode.FAIL (500) for a failed compare-and-set, as Nacos's publish handler answers.
 */
const ERROR_CODES: Partial<Record<ErrorCode, number>> = {
  INVALID_PARAM: 400,
  MISSING_PARAM: 400,
  CONFIG_GRAY_OVER_MAX_COUNT: 400,
  CONFIG_NOT_FOUND: CONFIG_NOT_FOUND_CODE,
  CONFIG_CAS_MISMATCH: 500,
};

/** A core error as a failed response of `type`; other errors are thrown on (the transport answers them). */
export function domainFailure(type: string, err: unknown, extra: Record<string, unknown> = {}): GrpcResponse {
  if (!(err instanceof DomainError)) throw err;
  return failure(type, ERROR_CODES[err.code] ?? 500, err.message, extra);
}

/** A string field of a request body: absent and null are undefined; any other non-string is refused, naming it. */
export function textOf(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParam(field, `Param '${field}' must be a string.`);
  return v;
}

/** The config a request names by `dataId`, `group`, `tenant` (`""`/`public` = the default namespace). */
export function keyOfRequest(body: Record<string, unknown>): ConfigKey {
  return configKeyOf(textOf(body, 'dataId'), textOf(body, 'group'), textOf(body, 'tenant'));
}

/** ConfigQueryResponse of a served version; `lastModified` and `beta` always (the Rust client requires them). */
export function queryResponse(served: ServedConfig): GrpcResponse {
  const rule = served.gray?.rule;
  return {
    type: 'ConfigQueryResponse',
    body: {
      content: served.content,
      encryptedDataKey: served.encryptedDataKey,
      contentType: served.type,
      md5: served.md5,
      lastModified: served.modifiedAt,
      beta: rule?.kind === 'beta',
      ...(rule?.kind === 'tag' ? { tag: rule.tag } : {}),
    },
  };
}

/** ConfigQueryResponse for a config that does not exist: resultCode 500, errorCode 300, as Nacos answers. */
export function queryNotFound(): GrpcResponse {
  return failure('ConfigQueryResponse', CONFIG_NOT_FOUND_CODE, 'config data not exist', { lastModified: 0, beta: false });
}
