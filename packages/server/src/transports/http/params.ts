import { invalidParam, knownMetadata, missingParam } from '@cairn/core';
import type { FastifyRequest } from 'fastify';

/**
 * Request parameters as Nacos reads them: query string and form body merged, for every method (the query wins
 * when both carry a name). Values are trimmed and a blank value counts as absent. Every parse error names the field.
 */
export class Params {
  // The parsed query and form body as the request holds them: read per name on demand, not copied per request.
  private constructor(
    private readonly query: unknown,
    private readonly body: unknown,
  ) {}

  static from(request: FastifyRequest): Params {
    return new Params(request.query, request.body);
  }

  static of(record: Record<string, string>): Params {
    return new Params(record, undefined);
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /** The query's value, else the body's; the first of repeated values; numbers and booleans as text. */
  private value(name: string): string | undefined {
    return valueIn(this.query, name) ?? valueIn(this.body, name);
  }

  /** Trimmed value, or `fallback` when absent or blank. */
  str(name: string): string | undefined;
  str(name: string, fallback: string): string;
  str(name: string, fallback?: string): string | undefined {
    const raw = this.value(name)?.trim();
    return raw === undefined || raw === '' ? fallback : raw;
  }

  /** Value without trimming (content, JSON); undefined when absent. */
  raw(name: string): string | undefined {
    return this.value(name);
  }

  required(name: string): string {
    const value = this.str(name);
    if (value === undefined) throw missingParam(name);
    return value;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if (!/^[+-]?\d{1,15}$/.test(raw)) throw invalidParam(name, `Param '${name}' must be an integer, got '${clip(raw)}'.`);
    return Number(raw);
  }

  requiredInt(name: string): number {
    const value = this.int(name);
    if (value === undefined) throw missingParam(name);
    return value;
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(n)) {
      throw invalidParam(name, `Param '${name}' must be a number, got '${clip(raw)}'.`);
    }
    return n;
  }

  /** Nacos's lenient booleans: true/on/yes/y/t and false/off/no/n/f, any case. */
  bool(name: string, fallback: boolean): boolean;
  bool(name: string): boolean | undefined;
  bool(name: string, fallback?: boolean): boolean | undefined {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if (/^(true|on|yes|y|t|1)$/i.test(raw)) return true;
    if (/^(false|off|no|n|f|0)$/i.test(raw)) return false;
    throw invalidParam(name, `Param '${name}' must be true or false, got '${clip(raw)}'.`);
  }

  /** A JSON object; invalid JSON or a non-object is a 400 naming the field. */
  jsonObject(name: string): Record<string, unknown> | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidParam(name, `Param '${name}' must be a JSON object, got '${clip(raw)}'.`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw invalidParam(name, `Param '${name}' must be a JSON object.`);
    }
    return parsed as Record<string, unknown>;
  }

  /** Metadata: a JSON object of strings, or Nacos's `k1=v1,k2=v2` form. */
  metadata(name = 'metadata'): Record<string, string> | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    if (raw.startsWith('{')) return knownMetadata(raw) ?? toStringMap(this.jsonObject(name)!, name);
    const entries: [string, string][] = [];
    for (const pair of raw.split(',')) {
      const parts = pair.split('=');
      if (parts.length !== 2 || parts[0].trim() === '') throw invalidParam(name, `metadata format incorrect: '${clip(pair)}' is not key=value.`);
      entries.push([parts[0].trim(), parts[1].trim()]);
    }
    return Object.fromEntries(entries);
  }
}

/**
 * Metadata values must be strings; numbers and booleans are turned into strings as Java's Map<String,String> would.
 * Built from entries, so every key arrives as its own property (a `__proto__` key is then refused by core, not lost).
 */
export function toStringMap(value: Record<string, unknown>, field: string): Record<string, string> {
  // Usually every value is a string already: the parsed object (own properties only, fresh from JSON.parse) is kept.
  let allStrings = true;
  for (const k in value) {
    if (typeof value[k] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings && Object.getPrototypeOf(value) === Object.prototype) return value as Record<string, string>;
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') entries.push([k, v]);
    else if (typeof v === 'number' || typeof v === 'boolean') entries.push([k, String(v)]);
    else if (v === null) continue;
    else throw invalidParam(field, `Param '${field}' must map keys to strings; '${clip(k)}' holds ${Array.isArray(v) ? 'an array' : 'an object'}.`);
  }
  return Object.fromEntries(entries);
}

function valueIn(source: unknown, name: string): string | undefined {
  if (source === null || typeof source !== 'object' || !Object.hasOwn(source, name)) return undefined;
  const v = (source as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  return undefined;
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
