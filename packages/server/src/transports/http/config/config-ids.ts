import { invalidParam } from '@cairn/core';
import type { Params } from '../params.js';

/** At most this many ids in one `ids` parameter (a delete or an export by ids). */
export const MAX_IDS = 1000;

/** `ids`: comma-separated config ids (Nacos longs); blanks are dropped, anything else is a 400 naming `ids`. */
export function idsOf(p: Params, name = 'ids'): number[] {
  const parts = (p.str(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length > MAX_IDS) throw invalidParam(name, `Param '${name}' holds ${parts.length} ids, over the maximum of ${MAX_IDS}.`);
  return parts.map((s) => {
    if (!/^\d{1,15}$/.test(s)) throw invalidParam(name, `Param '${name}' must be comma-separated config ids, got '${s.slice(0, 32)}'.`);
    return Number(s);
  });
}
