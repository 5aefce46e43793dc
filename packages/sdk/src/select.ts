import type { Instance } from './types.js';

/** Instances a caller may send traffic to: enabled and with a positive weight; `healthy` picks which health. */
export function usable(instances: readonly Instance[], healthy: boolean): Instance[] {
  return instances.filter((i) => i.enabled && i.weight > 0 && i.healthy === healthy);
}

/**
 * Weighted random choice: an instance of weight 2 is picked twice as often as one of weight 1.
 * `random` returns a number in [0, 1). Returns undefined for an empty list.
 *
 * @example pickWeighted([{ ...a, weight: 1 }, { ...b, weight: 3 }]) // b three times out of four
 */
export function pickWeighted<T extends { weight: number }>(items: readonly T[], random: () => number = Math.random): T | undefined {
  // biome-ignore lint/complexity/useMathMinMax: a missing or NaN weight must count as 0; Math.max would make the total NaN
  const total = items.reduce((sum, i) => sum + (i.weight > 0 ? i.weight : 0), 0);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const item of items) {
    if (item.weight <= 0) continue;
    point -= item.weight;
    if (point < 0) return item;
  }
  return items.filter((i) => i.weight > 0).at(-1); // rounding at the top end
}
