import { DomainError } from '../shared/errors.js';
import type { ConfigKey } from './config-key.js';

/** The one CONFIG_NOT_FOUND; the text is Nacos's (v1 answers it as the 404 body). */
export function configNotFound(_key: ConfigKey): DomainError {
  return new DomainError('CONFIG_NOT_FOUND', 'config data not exist');
}

/** The one CONFIG_CAS_MISMATCH, with Nacos's text. */
export function casMismatch(): DomainError {
  return new DomainError('CONFIG_CAS_MISMATCH', 'Cas publish fail, server md5 may have changed.', { field: 'casMd5' });
}

export function historyNotFound(id: string): DomainError {
  return new DomainError('CONFIG_HISTORY_NOT_FOUND', `config history ${id} does not exist`, { field: 'nid' });
}
