/** Nacos's numeric result codes (v2 `code`), with the text Nacos puts in `message`. */
export const NACOS_CODE_TEXT: Readonly<Record<number, string>> = Object.freeze({
  0: 'success',
  10000: 'parameter missing',
  10001: 'access denied',
  20002: 'parameter validate error',
  20004: 'resource not found',
  20010: 'config gray version version over max count',
  21001: 'weight error',
  21003: 'instance not found',
  21004: 'instance error',
  21007: 'service already exist',
  21008: 'service not exist',
  21009: 'service delete failure',
  21011: 'health check still running',
  22000: 'illegal namespace',
  22001: 'namespace not exist',
  22002: 'namespace already exist',
  23000: 'illegal state',
  30000: 'server error',
});

/** The beat codes of the naming API. */
export const BEAT_APPLIED = 10200;
export const BEAT_UNKNOWN_INSTANCE = 20404;
