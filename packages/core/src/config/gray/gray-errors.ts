import { DomainError } from '../../shared/errors.js';

/** The one CONFIG_GRAY_OVER_MAX_COUNT, with Nacos's text (ConfigOperationService). */
export function grayOverMaxCount(max: number, field: 'betaIps' | 'tag'): DomainError {
  return new DomainError('CONFIG_GRAY_OVER_MAX_COUNT', `gray config version is over max count :${max}`, { field });
}

/** The one CONFIG_GRAY_NOT_FOUND: promoting (or reading) a gray version the config does not have. */
export function grayNotFound(grayName: string): DomainError {
  return new DomainError('CONFIG_GRAY_NOT_FOUND', `config has no gray version '${grayName}'`, { field: 'grayName' });
}
