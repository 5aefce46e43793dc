/**
 * A reader for Java `.properties` text (java.util.Properties#load): `#` and `!` comments, `=`, `:` or blanks
 * between key and value, a trailing backslash continues a line, `\uXXXX` escapes. Java accepts almost anything;
 * what it rejects (a malformed `\u` escape) is an error here, and what is almost surely a mistake (an empty key,
 * a key given twice, a line with a key and no value) is a warning.
 */

export interface PropertiesProblem {
  line: number;
  column: number;
  reason: string;
  severity: 'error' | 'warning';
}

export interface ParsedProperties {
  entries: Map<string, string>;
  problems: PropertiesProblem[];
}

const BLANK = /[ \t\f]/;

export function parseProperties(text: string): ParsedProperties {
  const entries = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const problems: PropertiesProblem[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let n = 0; n < lines.length; n++) {
    const start = n + 1;
    let logical = lines[n].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    // Join continuation lines: an odd number of trailing backslashes continues onto the next line.
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && n + 1 < lines.length) {
      n++;
      logical = logical.slice(0, -1) + lines[n].replace(/^[ \t\f]+/, '');
    }
    const { key, value, hasSeparator, fault } = splitEntry(logical);
    const indent = lines[start - 1].length - lines[start - 1].trimStart().length;
    if (fault) problems.push({ line: start, column: indent + fault.at + 1, reason: fault.reason, severity: 'error' });
    if (key === '') problems.push({ line: start, column: indent + 1, reason: 'empty key: the line starts with a separator', severity: 'warning' });
    else if (!hasSeparator && value === '') problems.push({ line: start, column: indent + 1, reason: `'${key}' has no '=' and no value`, severity: 'warning' });
    const seen = firstLine.get(key);
    if (seen !== undefined) problems.push({ line: start, column: indent + 1, reason: `'${key}' is also set on line ${seen}; this later value wins`, severity: 'warning' });
    else firstLine.set(key, start);
    entries.set(key, value);
  }
  return { entries, problems };
}

function splitEntry(line: string): { key: string; value: string; hasSeparator: boolean; fault?: { at: number; reason: string } } {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || BLANK.test(c)) break;
    else i++;
  }
  const rawKey = line.slice(0, i);
  let j = i;
  while (j < line.length && BLANK.test(line[j])) j++;
  const hasSeparator = line[j] === '=' || line[j] === ':';
  if (hasSeparator) j++;
  while (j < line.length && BLANK.test(line[j])) j++;
  const key = unescapeJava(rawKey, 0);
  const value = unescapeJava(line.slice(j), j);
  const fault = key.fault ?? value.fault;
  return { key: key.text, value: value.text, hasSeparator, fault };
}

function unescapeJava(raw: string, offset: number): { text: string; fault?: { at: number; reason: string } } {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i];
    if (e === 'u') {
      const hex = raw.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { text: out, fault: { at: offset + i - 1, reason: `malformed \\uxxxx escape '\\u${hex}'` } };
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else if (e !== undefined) out += e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  }
  return { text: out };
}
