import { DomainError, groupedName, invalidParam, isEnabled, type HealthChecker, type Selector, type ReadonlyService, type ServiceDefinition, type ServiceRef } from '@cairn/core';
import type { Params } from '../params.js';

/** Nacos's default checker per type: what `/health/checkers` lists and what a cluster without settings shows. */
export const DEFAULT_CHECKERS: Readonly<Record<HealthChecker['type'], Record<string, unknown>>> = Object.freeze({
  TCP: { type: 'TCP' },
  HTTP: { type: 'HTTP', path: '', headers: '', expectedResponseCode: 200 },
  MYSQL: { type: 'MYSQL', user: null, pwd: null, cmd: null },
  NONE: { type: 'NONE' },
});

/** A cluster's checker as Nacos prints it: the type's defaults overlaid with what was set. */
export function checkerJson(checker: HealthChecker | undefined): Record<string, unknown> {
  if (!checker) return { ...DEFAULT_CHECKERS.TCP };
  return { ...DEFAULT_CHECKERS[checker.type], ...checker };
}

/** Cluster names of a service: those with settings and those its instances live in, sorted. */
export function clusterNames(service: ReadonlyService): string[] {
  const names = new Set(service.clusters.keys());
  for (const instance of service.instances.values()) names.add(instance.cluster);
  return [...names].sort();
}

export interface ServiceCounts {
  ipCount: number;
  healthyInstanceCount: number;
  unhealthyInstanceCount: number;
  disabledInstanceCount: number;
}

/** Counts over every instance, disabled ones included (the console lists them). */
export function serviceCounts(service: ReadonlyService): ServiceCounts {
  let healthy = 0;
  let disabled = 0;
  for (const instance of service.instances.values()) {
    if (instance.healthy) healthy++;
    if (!isEnabled(service, instance)) disabled++;
  }
  const total = service.instances.size;
  return { ipCount: total, healthyInstanceCount: healthy, unhealthyInstanceCount: total - healthy, disabledInstanceCount: disabled };
}

/** `true`/`false` once the first instance (or an explicit create) decided the kind; null before. */
export function ephemeralOf(service: ReadonlyService): boolean | null {
  return service.kind === undefined ? null : service.kind === 'ephemeral';
}

export function selectorJson(selector: Selector): Record<string, unknown> {
  return selector.type === 'label' ? { type: 'label', expression: selector.expression ?? '' } : { type: 'none' };
}

/**
 * The `selector` parameter: JSON `{"type":"none"|"label","expression":...}`. Nacos URL-decodes it once more,
 * so a value that arrives still percent-encoded is decoded here too.
 */
export function selectorParam(p: Params): Selector | undefined {
  let raw = p.str('selector');
  if (raw === undefined) return undefined;
  if (!raw.startsWith('{') && raw.includes('%')) {
    try {
      raw = decodeURIComponent(raw);
    } catch {
      throw invalidParam('selector', `Param 'selector' is not valid URL-encoded JSON.`);
    }
  }
  const json = parseObject(raw);
  const type = typeof json.type === 'string' ? json.type.toLowerCase() : json.type;
  if (type === 'none') return { type: 'none' };
  if (type === 'label') {
    if (json.expression !== undefined && typeof json.expression !== 'string') {
      throw invalidParam('selector', `Param 'selector' has an 'expression' that is not a string.`);
    }
    return { type: 'label', expression: (json.expression as string | undefined) ?? '' };
  }
  throw invalidParam('selector', `Param 'selector' must have type 'none' or 'label', got '${String(json.type)}'.`);
}

function parseObject(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw invalidParam('selector', `Param 'selector' must be a JSON object such as {"type":"none"}.`);
}

export function serviceNotFound(ref: ServiceRef): DomainError {
  return new DomainError('SERVICE_NOT_FOUND', `service ${groupedName(ref.group, ref.name)} is not found!`);
}

/** Services in a stable order: namespace, group, name. */
export function sortedServices(services: Iterable<ReadonlyService>): ReadonlyService[] {
  return [...services].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
}

/** The service definition a create request carries, v1 and v2 alike; the kind is fixed only when `ephemeral` is given. */
export function serviceDefinitionOf(p: Params): ServiceDefinition {
  const ephemeral = p.bool('ephemeral');
  return {
    protectThreshold: p.float('protectThreshold', 0),
    metadata: p.metadata(),
    selector: selectorParam(p),
    kind: ephemeral === undefined ? undefined : ephemeral ? 'ephemeral' : 'persistent',
  };
}
