import { invalidParam, missingParam } from '../shared/errors.js';
import { type ConfigKey, tenantToNamespace } from './config-key.js';
import { CONFIG_TYPES, type ConfigType } from './config-model.js';

// Nacos's ParamUtils: letters, digits and `_ - . :`.
const NAME = /^[A-Za-z0-9_.:-]+$/;
const MAX_DATA_ID = 256;
const MAX_GROUP = 128;
const MAX_TENANT = 128;
const MAX_DESC = 128;
const MAX_APP_NAME = 128;
const MAX_TAGS = 5;
const MAX_TAG = 64;

/** A config key from wire values (trimmed); `tenant` is mapped to a namespace (blank/`public`/`null` → default). */
export function configKeyOf(dataId: string | undefined, group: string | undefined, tenant: string | undefined): ConfigKey {
  const d = required('dataId', dataId);
  const g = required('group', group);
  if (d.length > MAX_DATA_ID || !NAME.test(d)) throw invalidParam('dataId', 'invalid dataId');
  if (g.length > MAX_GROUP || !NAME.test(g)) throw invalidParam('group', 'invalid group');
  return { namespace: configNamespaceOf(tenant), group: g, dataId: d };
}

/** A config namespace from a wire `tenant`/`namespaceId` (blank/`public`/`null` → default); 400 `invalid tenant`. */
export function configNamespaceOf(tenant: string | undefined): string {
  const t = (tenant ?? '').trim();
  if (t.length > MAX_TENANT || (t !== '' && !NAME.test(t))) throw invalidParam('tenant', 'invalid tenant');
  return tenantToNamespace(t);
}

/** Nacos's list, else `text` (unknown and absent alike, as Nacos does). */
export function configTypeOf(raw: string | undefined): ConfigType {
  const t = (raw ?? '').trim().toLowerCase();
  return (CONFIG_TYPES as readonly string[]).includes(t) ? (t as ConfigType) : 'text';
}

export function checkDesc(desc: string | undefined): string {
  const d = desc ?? '';
  if (d.length > MAX_DESC) throw invalidParam('desc', `too long desc, over ${MAX_DESC}`);
  return d;
}

export function checkAppName(appName: string | undefined): string {
  const a = (appName ?? '').trim();
  if (a.length > MAX_APP_NAME) throw invalidParam('appName', `too long appName, over ${MAX_APP_NAME}`);
  return a;
}

/** `config_tags`: comma-separated, blanks dropped, at most 5, each at most 64 characters. */
export function checkTags(raw: string | undefined): string[] {
  const tags = (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tags.length > MAX_TAGS) throw invalidParam('config_tags', `too much config_tags, over ${MAX_TAGS}`);
  if (tags.some((t) => t.length > MAX_TAG)) throw invalidParam('config_tags', `too long tag, over ${MAX_TAG}`);
  return tags;
}

function required(field: string, value: string | undefined): string {
  const v = (value ?? '').trim();
  if (v === '') throw missingParam(field);
  return v;
}
