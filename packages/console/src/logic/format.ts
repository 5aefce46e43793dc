/** Display formatting shared by every page. Pure: no DOM, no clock (callers pass `now`). */

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min": short enough for a table cell. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.max(0, ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 3_600_000) {
    const min = Math.floor(abs / 60_000);
    const s = Math.floor((abs % 60_000) / 1000);
    return s === 0 ? `${min} min` : `${min} min ${s} s`;
  }
  const h = Math.floor(abs / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / 60_000);
  return min === 0 ? `${h} h` : `${h} h ${min} min`;
}

/** "4.2 s ago"; a time in the future (clock skew between browser and server) reads as "just now". */
export function formatAge(at: number, now: number): string {
  const age = now - at;
  return age < 500 ? 'just now' : `${formatDuration(age)} ago`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time with milliseconds: events of one incident sit milliseconds apart. */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Date and time, for events older than today. */
export function formatDateTime(at: number, now: number): string {
  const d = new Date(at);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? formatClock(at) : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(at)}`;
}

/** Weights print without float noise: 1, 0.5, 2.25. */
export function formatWeight(weight: number): string {
  return String(Math.round(weight * 1000) / 1000);
}

/** A threshold of 0 disables protection: say so rather than print "0". */
export function formatThreshold(threshold: number): string {
  return threshold <= 0 ? 'off' : `${Math.round(threshold * 100)} %`;
}

/** Metadata as editable text: one `key=value` per line, keys sorted. */
export function metadataToText(metadata: Record<string, string>): string {
  return Object.keys(metadata)
    .sort()
    .map((k) => `${k}=${metadata[k]}`)
    .join('\n');
}

/**
 * Parses `key=value` lines (blank lines ignored, the first `=` splits, so values may contain `=`).
 * Throws an Error naming the line when one is not `key=value`.
 */
export function textToMetadata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`line ${index + 1} is not key=value: '${line}'`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return out;
}

/** Metadata on one line for a table cell. */
export function metadataInline(metadata: Record<string, string>): string {
  return Object.keys(metadata)
    .sort()
    .map((k) => `${k}=${metadata[k]}`)
    .join(', ');
}

/** "1 instance", "3 instances": a count with its noun in the right number. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
