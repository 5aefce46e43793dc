import type { ErrorCode } from '@cairn/core';

/**
 * The one table that maps core error codes to the wire: HTTP status and Nacos's v2 numeric code.
 * docs/errors.md lists the same rows; a test keeps them in step.
 */
export const ERROR_TABLE: Readonly<Record<ErrorCode, { status: number; nacosCode: number }>> = Object.freeze({
  INVALID_PARAM: { status: 400, nacosCode: 20002 },
  MISSING_PARAM: { status: 400, nacosCode: 10000 },
  SERVICE_NOT_FOUND: { status: 400, nacosCode: 21008 },
  SERVICE_ALREADY_EXISTS: { status: 400, nacosCode: 21007 },
  SERVICE_NOT_EMPTY: { status: 400, nacosCode: 21009 },
  SERVICE_KIND_MISMATCH: { status: 400, nacosCode: 21004 },
  INSTANCE_NOT_FOUND: { status: 404, nacosCode: 21003 },
  HEALTH_CHECK_ACTIVE: { status: 400, nacosCode: 21011 },
  NAMESPACE_NOT_FOUND: { status: 400, nacosCode: 22001 },
  NAMESPACE_ALREADY_EXISTS: { status: 400, nacosCode: 22002 },
  NAMESPACE_NOT_EMPTY: { status: 400, nacosCode: 22000 },
  ILLEGAL_STATE: { status: 409, nacosCode: 23000 },
  CONFIG_NOT_FOUND: { status: 404, nacosCode: 20004 },
  // Nacos answers a failed compare-and-set with 500 (its clients retry on 409, which would loop); kept for compatibility.
  CONFIG_CAS_MISMATCH: { status: 500, nacosCode: 30000 },
  CONFIG_HISTORY_NOT_FOUND: { status: 404, nacosCode: 20004 },
  CONFIG_GRAY_OVER_MAX_COUNT: { status: 400, nacosCode: 20010 },
  CONFIG_GRAY_NOT_FOUND: { status: 404, nacosCode: 20004 },
  // Nacos answers its auth API's refusals with 400 (an IllegalArgumentException), a second first admin with 409.
  AUTH_USER_NOT_FOUND: { status: 400, nacosCode: 20004 },
  AUTH_USER_ALREADY_EXISTS: { status: 400, nacosCode: 23000 },
  AUTH_ROLE_NOT_FOUND: { status: 400, nacosCode: 20004 },
  AUTH_ROLE_ALREADY_ASSIGNED: { status: 400, nacosCode: 23000 },
  AUTH_ROLE_RESERVED: { status: 400, nacosCode: 20002 },
  AUTH_LAST_ADMIN: { status: 400, nacosCode: 23000 },
  AUTH_ADMIN_EXISTS: { status: 409, nacosCode: 23000 },
  // Nacos has no numeric code for a capacity refusal; 429 tells clients and proxies to back off, the message names the limit.
  LIMIT_EXCEEDED: { status: 429, nacosCode: 23000 },
  // Short of memory is the server's state, not the client's mistake: 503 (retry later), Nacos's server-error code.
  OVERLOADED: { status: 503, nacosCode: 30000 },
});

/** Nacos v2 error texts by numeric code (the `message` field of a v2 error). */
export { NACOS_CODE_TEXT } from '@cairn/api';
