import type { ConfigItem } from './config-model.js';

/**
 * A config search as Nacos's `search=accurate|blur` runs it. `accurate`: dataId, group and appName are equal to
 * the given values. `blur`: dataId and group are patterns where `*` matches any run of characters (without a `*`
 * a pattern matches only itself, as SQL LIKE does). Either way an absent field matches anything, the namespace is
 * exact, appName is exact, and a config matches `tags` when it carries any one of them.
 */
export interface ConfigSearch {
  readonly mode: 'accurate' | 'blur';
  readonly namespace: string;
  readonly dataId?: string;
  readonly group?: string;
  readonly appName?: string;
  readonly tags?: readonly string[];
  /** Any of these types (Nacos's blur `types`). */
  readonly types?: readonly string[];
  /** The content, a pattern in blur mode (Nacos v2 `searchDetail`'s `config_detail`). */
  readonly content?: string;
}

/** The configs that match, oldest first (by id, the order Nacos's table scan answers in). */
export function searchConfigs(items: Iterable<ConfigItem>, search: ConfigSearch): ConfigItem[] {
  const text = search.mode === 'blur' ? wildcard : exact;
  const dataId = text(search.dataId);
  const group = text(search.group);
  const content = text(search.content);
  const appName = exact(search.appName);
  const tags = search.tags && search.tags.length > 0 ? new Set(search.tags) : undefined;
  const types = search.types && search.types.length > 0 ? new Set<string>(search.types) : undefined;
  const found: ConfigItem[] = [];
  for (const c of items) {
    if (c.namespace !== search.namespace || !dataId(c.dataId) || !group(c.group) || !appName(c.appName) || !content(c.content)) continue;
    if (tags && !c.tags.some((t) => tags.has(t))) continue;
    if (types && !types.has(c.type)) continue;
    found.push(c);
  }
  return found.sort((a, b) => a.id - b.id);
}

type Matcher = (value: string) => boolean;

function exact(wanted: string | undefined): Matcher {
  return wanted === undefined || wanted === '' ? () => true : (value) => value === wanted;
}

/**
 * `*` matches any run of characters. Matched by literal pieces in order rather than by a regular expression, so
 * a pattern like `*a*a*a*b` costs one pass over the value, not a backtracking search.
 */
export function wildcard(pattern: string | undefined): Matcher {
  if (pattern === undefined || pattern === '') return () => true;
  if (!pattern.includes('*')) return (value) => value === pattern;
  const pieces = pattern.split('*');
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return (value) => {
    if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const piece of middle) {
      const found = value.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
