/** Widest a cell may grow before it is cut with `…`, so one long metadata value cannot wreck the layout. */
const MAX_CELL = 60;
// The last column needs no alignment after it, so it may run longer.
const MAX_LAST_CELL = 120;

/**
 * A plain-text table: upper-case headers, columns padded to their widest cell, two spaces between. The last
 * column is not padded, so lines carry no trailing blanks.
 */
export function formatTable(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const last = headers.length - 1;
  const cells = rows.map((row) => headers.map((_, i) => clip(row[i] === null || row[i] === undefined ? '-' : String(row[i]), i === last ? MAX_LAST_CELL : MAX_CELL)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `k=v,k2=v2` for a metadata map; `-` when empty. */
export function formatMetadata(metadata: Record<string, string> | undefined): string {
  const entries = Object.entries(metadata ?? {});
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

export function printJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
