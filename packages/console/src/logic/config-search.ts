/**
 * The config list's search, as Nacos's console does it: a term without `*` matches anywhere in the name (it is
 * sent as `*term*`), a term with `*` is a wildcard pattern over the whole name.
 */

/** The `search=blur` pattern for a term typed in the search box; '' means no filter. */
export function blurPattern(term: string): string {
  const t = term.trim();
  if (t === '' || t.includes('*')) return t;
  return `*${t}*`;
}

/** Whether a name matches a blur pattern (`*` any run of characters), the way the server's search matches. */
export function matchesBlur(pattern: string, value: string): boolean {
  if (pattern === '' || pattern === '*') return true;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
