import { invalidParam } from '../shared/errors.js';

// Nacos's ParamUtils.checkParam(advanceInfo): use and effect at most 32 characters, schema at most 32768.
const MAX_USE = 32;
const MAX_EFFECT = 32;
const MAX_SCHEMA = 32_768;
// Nacos checks no length for encryptedDataKey; its column (encrypted_data_key) is VARCHAR(1024).
const MAX_ENCRYPTED_DATA_KEY = 1024;

/** The optional free-text fields a publish may carry besides appName, desc and tags (Nacos's advance info). */
export interface ConfigFieldsInput {
  use?: string;
  effect?: string;
  schema?: string;
  /** Kept verbatim and served back (`Encrypted-Data-Key`); Cairn neither encrypts nor decrypts. */
  encryptedDataKey?: string;
}

export interface CheckedConfigFields {
  readonly use: string;
  readonly effect: string;
  readonly schema: string;
  readonly encryptedDataKey: string;
}

/** Checks `use`, `effect`, `schema` and `encryptedDataKey` (absent → `""`); 400 naming the field when too long. */
export function checkConfigFields(input: ConfigFieldsInput): CheckedConfigFields {
  return {
    use: withinLimit('use', input.use, MAX_USE),
    effect: withinLimit('effect', input.effect, MAX_EFFECT),
    schema: withinLimit('schema', input.schema, MAX_SCHEMA),
    encryptedDataKey: withinLimit('encryptedDataKey', (input.encryptedDataKey ?? '').trim(), MAX_ENCRYPTED_DATA_KEY),
  };
}

/**
 * A gray version keeps no encryption key in Cairn: a gray publish that brings one is refused rather than stored
 * without it, which would serve encrypted content its clients cannot decrypt.
 */
export function refuseGrayEncryptedDataKey(encryptedDataKey: string | undefined): void {
  if ((encryptedDataKey ?? '').trim() !== '') {
    throw invalidParam('encryptedDataKey', 'encryptedDataKey is not kept for gray (beta or tag) versions; publish the encrypted content as the main version');
  }
}

function withinLimit(field: string, value: string | undefined, max: number): string {
  const v = value ?? '';
  if (v.length > max) throw invalidParam(field, `too long ${field}, over ${max}`);
  return v;
}
