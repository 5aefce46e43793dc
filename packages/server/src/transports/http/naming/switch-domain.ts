import { invalidParam, missingParam } from '@cairn/core';
import type { AppContext } from '../context.js';
import type { Params } from '../params.js';
import { CACHE_MILLIS } from '../../../wire/service-info.js';
import { isServerStatus, SERVER_STATUSES, type ServerStatus } from './server-status.js';

/** The switch values Cairn itself acts on; everything else in the switch object is kept for Nacos tools only. */
export interface EffectiveSwitches {
  clientBeatInterval: number;
  defaultPushCacheMillis: number;
  pushEnabled: boolean;
  healthCheckEnabled: boolean;
  defaultInstanceEphemeral: boolean;
}

/** Switches read from this object each time they matter (no other setting of the server holds them). */
export interface LiveSwitches {
  lightBeatEnabled: boolean;
  overriddenServerStatus: ServerStatus | null;
}

const PUSH_VERSION_FIELDS: Record<string, string> = {
  java: 'pushJavaVersion',
  go: 'pushGoVersion',
  python: 'pushPythonVersion',
  c: 'pushCVersion',
  csharp: 'pushCSharpVersion',
};

type Parse = (value: string, p: Params) => unknown;
/** Setters for the switches the running server can change at once; a switch without one is only kept. */
export type SwitchAppliers = { [K in keyof EffectiveSwitches]?: (value: EffectiveSwitches[K]) => void };
interface Entry {
  field: string;
  parse: Parse;
}

/**
 * Nacos's naming switch object (`/v1/ns/operator/switches`): Nacos's field names and defaults, updated one
 * `entry`/`value` pair at a time with every value checked. The values Cairn acts on start from the server's real
 * settings; `notInEffect()` names those changed here that the running server does not (yet) apply.
 */
export class SwitchDomain {
  private readonly values: Record<string, unknown>;
  private readonly entries: Map<string, Entry>;

  constructor(
    private readonly effective: () => EffectiveSwitches,
    private readonly appliers: SwitchAppliers = {},
  ) {
    const now = effective();
    this.values = {
      name: '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00',
      masters: null,
      adWeightMap: {},
      defaultPushCacheMillis: now.defaultPushCacheMillis,
      clientBeatInterval: now.clientBeatInterval,
      defaultCacheMillis: 3000,
      distroThreshold: 0.7,
      healthCheckEnabled: now.healthCheckEnabled,
      autoChangeHealthCheckEnabled: true,
      distroEnabled: true,
      enableStandalone: true,
      pushEnabled: now.pushEnabled,
      checkTimes: 3,
      httpHealthParams: { max: 5000, min: 500, factor: 0.85 },
      tcpHealthParams: { max: 5000, min: 1000, factor: 0.75 },
      mysqlHealthParams: { max: 3000, min: 2000, factor: 0.65 },
      incrementalList: [],
      serverStatusSynchronizationPeriodMillis: 2000,
      serviceStatusSynchronizationPeriodMillis: 5000,
      disableAddIP: false,
      sendBeatOnly: false,
      lightBeatEnabled: true,
      limitedUrlMap: {},
      distroServerExpiredMillis: 10000,
      pushGoVersion: '0.1.0',
      pushJavaVersion: '0.1.0',
      pushPythonVersion: '0.4.3',
      pushCVersion: '1.0.12',
      pushCSharpVersion: '0.9.0',
      enableAuthentication: false,
      overriddenServerStatus: null,
      defaultInstanceEphemeral: now.defaultInstanceEphemeral,
      healthCheckWhiteList: [],
      checksum: null,
    };
    const entries: [string, string, Parse][] = [
      ['distroThreshold', 'distroThreshold', (v) => number(v, 0, 1, true)],
      ['clientBeatInterval', 'clientBeatInterval', (v) => integer(v, 100, 3_600_000)],
      ['pushCacheMillis', 'defaultPushCacheMillis', (v) => integer(v, 10_000, 3_600_000)],
      ['defaultCacheMillis', 'defaultCacheMillis', (v) => integer(v, 1000, 3_600_000)],
      [
        'masters',
        'masters',
        (v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
      ],
      ['distro', 'distroEnabled', bool],
      ['check', 'healthCheckEnabled', bool],
      ['pushEnabled', 'pushEnabled', bool],
      ['serviceStatusSynchronizationPeriodMillis', 'serviceStatusSynchronizationPeriodMillis', (v) => integer(v, 1, 3_600_000)],
      ['serverStatusSynchronizationPeriodMillis', 'serverStatusSynchronizationPeriodMillis', (v) => integer(v, 1, 3_600_000)],
      ['healthCheckTimes', 'checkTimes', (v) => integer(v, 1, 100)],
      ['disableAddIP', 'disableAddIP', bool],
      ['sendBeatOnly', 'sendBeatOnly', bool],
      ['enableStandalone', 'enableStandalone', bool],
      ['lightBeatEnabled', 'lightBeatEnabled', bool],
      ['autoChangeHealthCheckEnabled', 'autoChangeHealthCheckEnabled', bool],
      ['defaultInstanceEphemeral', 'defaultInstanceEphemeral', bool],
      ['distroServerExpiredMillis', 'distroServerExpiredMillis', (v) => integer(v, 1, 86_400_000)],
      ['limitedUrl', 'limitedUrlMap', limitedUrls],
      ['overriddenServerStatus', 'overriddenServerStatus', serverStatus],
    ];
    this.entries = new Map();
    for (const [entry, field, parse] of entries) {
      this.entries.set(entry, { field, parse });
      // The JSON field name works as an entry too (e.g. `check` or `healthCheckEnabled`).
      if (field !== entry && !entries.some(([e]) => e === field)) this.entries.set(field, { field, parse });
    }
  }

  /** The stored value of a switch Cairn can act on, for the code that applies it. */
  setting<K extends keyof (EffectiveSwitches & LiveSwitches)>(key: K): (EffectiveSwitches & LiveSwitches)[K] {
    return this.values[key] as (EffectiveSwitches & LiveSwitches)[K];
  }

  toJson(): Record<string, unknown> {
    return { ...this.values };
  }

  /** Applies one `entry`/`value` pair (plus `type` for `pushVersion`); a bad pair is a 400 naming the field. */
  update(p: Params): void {
    const entry = p.required('entry');
    if (!p.has('value')) throw missingParam('value');
    const value = (p.raw('value') ?? '').trim();
    if (entry === 'pushVersion') {
      const type = p.required('type').toLowerCase();
      const field = PUSH_VERSION_FIELDS[type];
      if (!field) throw invalidParam('type', `Param 'type' must be one of ${Object.keys(PUSH_VERSION_FIELDS).join(', ')}, got '${type}'.`);
      if (!/^\d+(\.\d+){0,3}$/.test(value)) throw invalidParam('value', `Param 'value' for entry 'pushVersion' must be a version such as 1.0.12, got '${value}'.`);
      this.values[field] = value;
      return;
    }
    const known = this.entries.get(entry);
    if (!known) throw invalidParam('entry', `Param 'entry' names no known switch: '${entry.slice(0, 64)}'.`);
    try {
      this.values[known.field] = known.parse(value, p);
    } catch (error) {
      if (error instanceof BadValue) throw invalidParam('value', `Param 'value' for entry '${entry}' ${error.message}, got '${value.slice(0, 64)}'.`);
      throw error;
    }
    const apply = this.appliers[known.field as keyof EffectiveSwitches] as ((v: unknown) => void) | undefined;
    apply?.(this.values[known.field]);
  }

  /** The switches Cairn acts on whose stored value differs from what the running server does. */
  notInEffect(): string[] {
    const now = this.effective() as unknown as Record<string, unknown>;
    return Object.keys(now).filter((field) => this.values[field] !== now[field]);
  }
}

class BadValue extends Error {}

function integer(v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d{1,10}$/.test(v) || n < min || n > max) throw new BadValue(`must be an integer from ${min} to ${max}`);
  return n;
}

function number(v: string, min: number, max: number, exclusiveMin: boolean): number {
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n > max || (exclusiveMin ? n <= min : n < min)) {
    throw new BadValue(`must be a number above ${min} and at most ${max}`);
  }
  return n;
}

function bool(v: string): boolean {
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw new BadValue('must be true or false');
}

/** A status, or empty or `null` (as Nacos takes it) to clear the override. */
function serverStatus(v: string): ServerStatus | null {
  if (v === '' || /^null$/i.test(v)) return null;
  const status = v.toUpperCase();
  if (!isServerStatus(status)) throw new BadValue(`must be one of ${SERVER_STATUSES.join(', ')}, or empty or null to clear it`);
  return status;
}

/** `url:status,url2:status`; empty clears the map. */
function limitedUrls(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const at = pair.lastIndexOf(':');
    const status = Number(pair.slice(at + 1));
    if (at <= 0 || !/^\d{3}$/.test(pair.slice(at + 1))) throw new BadValue(`must be url:status pairs separated by commas`);
    out[pair.slice(0, at)] = status;
  }
  return out;
}

/** The switch object of one server (built in app.ts, shared by the v1 and v2 switch routes). */
export function switchesOf(ctx: AppContext): SwitchDomain {
  return ctx.switches;
}

/** What the switches need of the probe scheduler: its on/off state, which `check` turns at run time. */
export interface HealthCheckSwitch {
  readonly enabled: boolean;
  setEnabled(on: boolean): void;
}

/** A server's switches, starting from the settings it really runs with. */
/** The push service as the `pushEnabled` switch sees it. */
export interface PushSwitch {
  readonly isEnabled: boolean;
  setEnabled(on: boolean): Promise<void>;
}

/** What `defaultInstanceEphemeral` sets: the kind of a registration that does not say. */
export class RegistrationDefaults {
  ephemeral = true;
}

export function createSwitches(lifecycleBeatIntervalMs: () => number, push: PushSwitch, healthChecks: HealthCheckSwitch, defaults: RegistrationDefaults): SwitchDomain {
  return new SwitchDomain(
    () => ({
      clientBeatInterval: lifecycleBeatIntervalMs(),
      defaultPushCacheMillis: CACHE_MILLIS,
      pushEnabled: push.isEnabled,
      healthCheckEnabled: healthChecks.enabled,
      defaultInstanceEphemeral: defaults.ephemeral,
    }),
    {
      healthCheckEnabled: (on) => healthChecks.setEnabled(on),
      pushEnabled: (on) => void push.setEnabled(on),
      defaultInstanceEphemeral: (on) => {
        defaults.ephemeral = on;
      },
    },
  );
}
