import { diffArrays } from 'diff';

/**
 * A line diff between two versions of a config, for review before publishing and for comparing history records.
 * jsdiff finds the changes (Myers' algorithm); this module numbers the lines and folds long unchanged stretches.
 */

export type DiffRow = { kind: 'same' | 'add' | 'del'; text: string; oldNo?: number; newNo?: number } | { kind: 'gap'; hidden: number };

export interface LineDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** Lines of a text; the empty text has none (so a new config shows every line added, none removed). */
export function linesOf(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/**
 * The diff from `before` to `after`, keeping `context` unchanged lines around each change; the rest of an
 * unchanged stretch becomes one `gap` row that says how many lines it hides.
 */
export function lineDiff(before: string, after: string, context = 3): LineDiff {
  const full: Exclude<DiffRow, { kind: 'gap' }>[] = [];
  let oldNo = 0;
  let newNo = 0;
  let added = 0;
  let removed = 0;
  for (const change of diffArrays(linesOf(before), linesOf(after))) {
    for (const text of change.value) {
      if (change.added) {
        full.push({ kind: 'add', text, newNo: ++newNo });
        added++;
      } else if (change.removed) {
        full.push({ kind: 'del', text, oldNo: ++oldNo });
        removed++;
      } else {
        full.push({ kind: 'same', text, oldNo: ++oldNo, newNo: ++newNo });
      }
    }
  }
  return { rows: fold(full, context), added, removed };
}

function fold(rows: Exclude<DiffRow, { kind: 'gap' }>[], context: number): DiffRow[] {
  const keep = rows.map(() => false);
  rows.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep[j] = true;
  });
  const out: DiffRow[] = [];
  let hidden = 0;
  rows.forEach((row, i) => {
    if (keep[i]) {
      if (hidden > 0) out.push({ kind: 'gap', hidden });
      hidden = 0;
      out.push(row);
    } else hidden++;
  });
  if (hidden > 0) out.push({ kind: 'gap', hidden });
  return out;
}
