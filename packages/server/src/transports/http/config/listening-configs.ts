import { configKeyOf, DomainError, invalidParam } from '@cairn/core';
import type { ListenKey } from './long-polls.js';

const WORD = '\u0002';
const LINE = '\u0001';
/** Nacos refuses more keys than this in one poll. */
const MAX_KEYS = 10_000;

/**
 * `Listening-Configs` as Nacos reads it: the form-decoded value is URL-decoded once more (so `+` becomes a space),
 * then split into records ended by 0x01, each `dataId 0x02 group 0x02 md5 [0x02 tenant]`. Anything else is a 400
 * `invalid probeModify`, Nacos's text.
 */
export function parseListeningConfigs(raw: string | undefined): ListenKey[] {
  if (raw === undefined || raw === '') throw invalid();
  let text: string;
  try {
    text = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalid();
  }
  const keys: ListenKey[] = [];
  for (const record of text.split(LINE)) {
    if (record === '') continue;
    const fields = record.split(WORD);
    if (fields.length < 3 || fields.length > 4 || keys.length >= MAX_KEYS) throw invalid();
    const [dataId, group, md5, tenant = ''] = fields;
    try {
      keys.push({ key: configKeyOf(dataId, group, tenant), tenant, md5 });
    } catch (error) {
      if (error instanceof DomainError) throw invalid();
      throw error;
    }
  }
  if (keys.length === 0) throw invalid();
  return keys;
}

/** The answer body: URL-encoded `dataId 0x02 group [0x02 tenant] 0x01` per changed key, then a newline. */
export function encodeChangedKeys(changed: readonly ListenKey[]): string {
  if (changed.length === 0) return '';
  const text = changed.map((k) => `${k.key.dataId}${WORD}${k.key.group}${k.tenant.trim() === '' ? '' : `${WORD}${k.tenant}`}${LINE}`).join('');
  return `${encodeURIComponent(text)}\n`;
}

function invalid(): DomainError {
  return invalidParam('Listening-Configs', 'invalid probeModify');
}
