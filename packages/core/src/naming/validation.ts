import { invalidParam } from '../shared/errors.js';

export { validateNamespaceId } from '../shared/namespaces.js';

// Limits follow Nacos's parameter checker (2.3+), so a name Nacos accepts is accepted here and vice versa.
const GROUP = /^[a-zA-Z0-9_.:-]{1,128}$/;
const CLUSTER = /^[0-9a-zA-Z_-]{1,64}$/;
const SERVICE_FORBIDDEN = /[\s\u4e00-\u9fff]/;
// U+0000-U+001F and U+007F: never part of a name or a metadata key (a NUL cuts names short in C-based tools and logs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// A key a plain JavaScript object cannot hold by assignment: refused rather than lost on the way.
const RESERVED_METADATA_KEYS = new Set(['__proto__']);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;
export const MAX_METADATA_CHARS = 1024;
export const MAX_WEIGHT = 10000;

export function validateGroup(value: string, field = 'groupName'): string {
  if (!GROUP.test(value)) {
    throw invalidParam(field, `Param '${field}' must be 1-128 letters, digits or '_.:-', got '${clip(value)}'.`);
  }
  return value;
}

export function validateServiceName(value: string, field = 'serviceName'): string {
  if (value.length === 0 || value.length > 512) {
    throw invalidParam(field, `Param '${field}' must be 1-512 characters long.`);
  }
  if (value.startsWith('@') || value.includes('@@') || SERVICE_FORBIDDEN.test(value) || CONTROL.test(value)) {
    throw invalidParam(field, `Param '${field}' is illegal: no leading '@', no '@@', no whitespace, control characters or CJK, got '${printable(value)}'.`);
  }
  return value;
}

export function validateCluster(value: string, field = 'clusterName'): string {
  if (!CLUSTER.test(value)) {
    throw invalidParam(field, `Param '${field}' must be 1-64 letters, digits, '_' or '-', got '${clip(value)}'.`);
  }
  return value;
}

/**
 * A registration is stricter than the parameter checker: Nacos refuses a new instance whose cluster holds
 * anything but letters, digits and '-' (NamingUtils.checkInstanceIsLegal), while queries accept '_' too.
 */
export function validateRegistrationCluster(value: string, field = 'clusterName'): string {
  validateCluster(value, field);
  if (value.includes('_')) {
    throw invalidParam(field, `Param '${field}' of a registration may hold only letters, digits and '-', got '${clip(value)}'.`);
  }
  return value;
}

/** An instance address: IPv4, IPv6 or a host name (Nacos accepts host names too). */
export function validateIp(value: string, field = 'ip'): string {
  const ok = IPV4.test(value) || (value.includes(':') && IPV6.test(value)) || (!/^[\d.]+$/.test(value) && HOSTNAME.test(value));
  if (!ok) throw invalidParam(field, `Param '${field}' must be an IPv4/IPv6 address or host name, got '${clip(value)}'.`);
  return value;
}

export function validatePort(value: number, field = 'port'): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw invalidParam(field, `Param '${field}' must be an integer from 1 to 65535, got '${value}'.`);
  }
  return value;
}

export function validateWeight(value: number, field = 'weight'): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_WEIGHT) {
    throw invalidParam(field, `Param '${field}' must be a number from 0 to ${MAX_WEIGHT}, got '${value}'.`);
  }
  return value;
}

export function validateProtectThreshold(value: number, field = 'protectThreshold'): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw invalidParam(field, `Param '${field}' must be a number from 0 to 1, got '${value}'.`);
  }
  return value;
}

export function validateMetadata(value: Record<string, string>, field = 'metadata'): Record<string, string> {
  let size = 0;
  for (const [k, v] of Object.entries(value)) {
    if (CONTROL.test(k)) throw invalidParam(field, `Param '${field}' has a key with a control character (U+0000-U+001F or U+007F): '${printable(k)}'.`);
    if (RESERVED_METADATA_KEYS.has(k)) throw invalidParam(field, `Param '${field}' may not use the reserved key '${k}'.`);
    size += k.length + v.length;
  }
  if (size > MAX_METADATA_CHARS) {
    throw invalidParam(field, `Param '${field}' is too large: keys and values add up to ${size} characters, at most ${MAX_METADATA_CHARS}.`);
  }
  return value;
}

/** The value clipped, with its control characters shown as \uXXXX so the message stays one clean line. */
function printable(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is shown escaped
  return clip(value).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
