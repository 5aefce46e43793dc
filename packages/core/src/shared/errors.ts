/**
 * Every failure the domain reports carries a stable string code, so each transport can map it to the wire
 * in one table (HTTP status + Nacos numeric code) and docs/errors.md can list them.
 *
 * @example
 *   throw new DomainError('INVALID_PARAM', "Param 'port' must be an integer from 1 to 65535", { field: 'port' });
 */
export const ERROR_CODES = [
  'INVALID_PARAM',
  'MISSING_PARAM',
  'SERVICE_NOT_FOUND',
  'SERVICE_ALREADY_EXISTS',
  'SERVICE_NOT_EMPTY',
  'SERVICE_KIND_MISMATCH',
  'INSTANCE_NOT_FOUND',
  'HEALTH_CHECK_ACTIVE',
  'NAMESPACE_NOT_FOUND',
  'NAMESPACE_ALREADY_EXISTS',
  'NAMESPACE_NOT_EMPTY',
  'ILLEGAL_STATE',
  'CONFIG_NOT_FOUND',
  'CONFIG_CAS_MISMATCH',
  'CONFIG_HISTORY_NOT_FOUND',
  'CONFIG_GRAY_OVER_MAX_COUNT',
  'CONFIG_GRAY_NOT_FOUND',
  'AUTH_USER_NOT_FOUND',
  'AUTH_USER_ALREADY_EXISTS',
  'AUTH_ROLE_NOT_FOUND',
  'AUTH_ROLE_ALREADY_ASSIGNED',
  'AUTH_ROLE_RESERVED',
  'AUTH_LAST_ADMIN',
  'AUTH_ADMIN_EXISTS',
  'LIMIT_EXCEEDED',
  'OVERLOADED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = options.field;
  }
}

export function invalidParam(field: string, message: string): DomainError {
  return new DomainError('INVALID_PARAM', message, { field });
}

export function missingParam(field: string): DomainError {
  return new DomainError('MISSING_PARAM', `Param '${field}' is required.`, { field });
}
