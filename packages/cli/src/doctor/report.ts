import type { CheckResult } from './check.js';

const MARK: Record<CheckResult['status'], string> = { ok: 'ok', fail: 'FAIL', skip: 'skip' };
const NAME_WIDTH = 13;
const INDENT = ' '.repeat(6 + NAME_WIDTH);

/**
 * One check as the report prints it:
 * ```
 * FAIL  tcp         cannot connect: 127.0.0.1:1: connection refused … (ECONNREFUSED)
 *                   fix: start the server there …
 * ```
 */
export function formatResult(r: CheckResult): string {
  const lines = [`${MARK[r.status].padEnd(6)}${r.name.padEnd(NAME_WIDTH)}${r.summary}`];
  for (const d of r.details) if (d) lines.push(`${INDENT}${d}`);
  if (r.fix) lines.push(`${INDENT}fix: ${r.fix}`);
  return `${lines.join('\n')}\n`;
}

export function formatVerdict(results: CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length === 0) return `\nAll ${results.filter((r) => r.status === 'ok').length} checks passed.\n`;
  return `\n${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((r) => r.name).join(', ')}.\n`;
}
