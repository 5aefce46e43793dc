import { DomainError } from './errors.js';

/**
 * For tests: what a call refuses with, as `CODE:field` (`INVALID_PARAM:port`), or undefined when it does not
 * throw. Anything but a DomainError is rethrown.
 */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}:${error.field}`;
    throw error;
  }
  return undefined;
}
