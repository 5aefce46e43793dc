/**
 * Simple syntax colouring for the config editor: each line split into tokens by a few regular expressions per
 * type. It colours keys, strings, numbers, literals and comments; it is not a parser (validation is
 * config-syntax.ts), so a wrong colour never blocks anything.
 */

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'comment' | 'punct' | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

type Rule = [TokenKind, RegExp];

// Each rule is tried at the current position (sticky); the first match wins, else one plain character.
const JSON_RULES: Rule[] = [
  ['key', /"(?:[^"\\]|\\.)*"(?=\s*:)/y],
  ['string', /"(?:[^"\\]|\\.)*"?/y],
  ['number', /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y],
  ['literal', /\b(?:true|false|null)\b/y],
  ['punct', /[{}[\],:]/y],
];

const YAML_RULES: Rule[] = [
  ['comment', /(?:^|(?<=\s))#.*/y],
  ['punct', /^\s*(?:-{3}|\.{3})\s*$/y],
  ['key', /(?:^\s*(?:-\s+)?)[^\s#:'"][^:#]*?(?=:(?:\s|$))|"(?:[^"\\]|\\.)*"(?=:(?:\s|$))/y],
  ['string', /"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?/y],
  ['number', /-?\d+(?:\.\d+)?(?=\s*(?:#|$|,|\]|\}))/y],
  ['literal', /\b(?:true|false|null|yes|no|on|off|~)\b/y],
  ['punct', /[-:[\]{},|>&*!]/y],
];

export function highlightLine(type: string, line: string): Token[] {
  if (type === 'properties') return propertiesLine(line);
  const rules = type === 'json' ? JSON_RULES : type === 'yaml' ? YAML_RULES : undefined;
  if (!rules) return [{ kind: 'plain', text: line }];
  return byRules(rules, line);
}

function byRules(rules: Rule[], line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    let matched = false;
    for (const [kind, re] of rules) {
      re.lastIndex = i;
      const m = re.exec(line);
      if (m && m[0].length > 0) {
        push(tokens, kind, m[0]);
        i += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) push(tokens, 'plain', line[i++]);
  }
  return tokens;
}

function propertiesLine(line: string): Token[] {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('#') || trimmed.startsWith('!')) return [{ kind: 'comment', text: line }];
  const m = /^(\s*)((?:[^=:\s\\]|\\.)+)(\s*[=:]\s*|\s+)?(.*)$/.exec(line);
  if (!m) return [{ kind: 'plain', text: line }];
  const tokens: Token[] = [];
  push(tokens, 'plain', m[1]);
  push(tokens, 'key', m[2]);
  push(tokens, 'punct', m[3] ?? '');
  push(tokens, 'string', m[4]);
  return tokens;
}

// Neighbouring plain characters merge into one token: fewer spans for the browser to lay out.
function push(tokens: Token[], kind: TokenKind, text: string): void {
  if (text === '') return;
  const last = tokens[tokens.length - 1];
  if (last && last.kind === kind && kind === 'plain') last.text += text;
  else tokens.push({ kind, text });
}
