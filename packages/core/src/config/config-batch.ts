import { DomainError, invalidParam } from '../shared/errors.js';
import type { ConfigCenter, PublishConfig } from './config-center.js';
import { type ConfigKey, configKeyString } from './config-key.js';
import type { ConfigAuthor } from './config-model.js';

/** What an import or clone does with a config that already exists (Nacos's SameConfigPolicy). */
export const SAME_CONFIG_POLICIES = ['ABORT', 'SKIP', 'OVERWRITE'] as const;
export type SameConfigPolicy = (typeof SAME_CONFIG_POLICIES)[number];

/** Which configs of a batch were written, left alone because they exist, or made an ABORT stop. */
export interface BatchOutcome {
  readonly succeeded: ConfigKey[];
  readonly skipped: ConfigKey[];
  readonly failed: ConfigKey[];
}

/**
 * The rule of a batch as a pure step: which entries to write, skip or fail, given which keys exist. An entry
 * whose key an earlier entry of the same batch writes counts as existing. ABORT writes nothing when any entry
 * exists: the first such entry fails and every other one is skipped (Nacos writes the entries before the first
 * conflict; Cairn keeps an aborted import all or nothing).
 */
export function planBatch(keys: readonly ConfigKey[], exists: (key: ConfigKey) => boolean, policy: SameConfigPolicy): { write: number[]; skip: number[]; fail: number[] } {
  const seen = new Set<string>();
  const write: number[] = [];
  const skip: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = configKeyString(keys[i]);
    const clash = seen.has(k) || exists(keys[i]);
    seen.add(k);
    if (!clash || policy === 'OVERWRITE') write.push(i);
    else if (policy === 'SKIP') skip.push(i);
    else return { write: [], skip: keys.map((_, j) => j).filter((j) => j !== i), fail: [i] };
  }
  return { write, skip, fail: [] };
}

/**
 * Publishes an import's or a clone's configs, each through `publish` (one history record and one `config` event
 * per config written). Every entry is validated before any is written: a bad one throws, naming it, and nothing
 * is written.
 *
 * @example
 *   const outcome = publishBatch(center, [{ key, content: 'a: 1', type: 'yaml' }], 'SKIP', author);
 */
export function publishBatch(center: ConfigCenter, inputs: readonly PublishConfig[], policy: SameConfigPolicy, author: ConfigAuthor): BatchOutcome {
  for (const input of inputs) {
    try {
      center.check(input);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw invalidParam(error.field ?? 'content', `${input.key.group}/${input.key.dataId}: ${error.message}`);
    }
  }
  const plan = planBatch(
    inputs.map((i) => i.key),
    (key) => center.get(key) !== undefined,
    policy,
  );
  for (const i of plan.write) center.publish({ ...inputs[i], casMd5: undefined }, author);
  const keysOf = (indexes: number[]) => indexes.map((i) => inputs[i].key);
  return { succeeded: keysOf(plan.write), skipped: keysOf(plan.skip), failed: keysOf(plan.fail) };
}
