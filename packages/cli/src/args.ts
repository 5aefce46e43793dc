/** How a flag's value is read: a string, an integer, or a switch that needs no value. */
export type FlagKind = 'string' | 'int' | 'bool';

export interface FlagSpec {
  /** Without the dashes: `service`, `page-size`. */
  name: string;
  kind: FlagKind;
  help: string;
  /** Placeholder shown in the usage, e.g. `ADDR`. */
  value?: string;
  required?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

/** A mistake in the command line itself: the CLI prints it with the command's usage and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, '1': true, '0': false };

/**
 * Reads `--name value`, `--name=value` and bare switches (`--json`, `--json=false`, `--ephemeral false`).
 * Every flag must be declared and no positional argument is accepted, so a typo never passes silently.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): FlagValues {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag '--${name}'`);
    let raw: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (spec.kind === 'bool') {
      // A bare switch is true; a following true/false word belongs to it.
      if (raw === undefined && argv[i + 1] !== undefined && argv[i + 1].toLowerCase() in BOOLEAN_WORDS) raw = argv[++i];
      values[name] = raw === undefined ? true : boolValue(name, raw);
      continue;
    }
    if (raw === undefined) {
      raw = argv[++i];
      if (raw === undefined) throw new UsageError(`flag '--${name}' needs a value${spec.value ? ` (${spec.value})` : ''}`);
    }
    values[name] = spec.kind === 'int' ? intValue(name, raw) : raw;
  }
  for (const spec of specs) {
    if (spec.required && values[spec.name] === undefined) throw new UsageError(`flag '--${spec.name}' is required`);
  }
  return values;
}

function boolValue(name: string, raw: string): boolean {
  const value = BOOLEAN_WORDS[raw.toLowerCase()];
  if (value === undefined) throw new UsageError(`flag '--${name}' must be true or false, got '${raw}'`);
  return value;
}

function intValue(name: string, raw: string): number {
  if (!/^-?\d{1,15}$/.test(raw.trim())) throw new UsageError(`flag '--${name}' must be an integer, got '${raw}'`);
  return Number(raw.trim());
}

/** The usage lines of a list of flags, aligned. */
export function describeFlags(specs: readonly FlagSpec[]): string {
  const heads = specs.map((s) => `--${s.name}${s.kind === 'bool' ? '' : ` ${s.value ?? 'VALUE'}`}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}${s.help}${s.required ? ' (required)' : ''}`).join('\n');
}
