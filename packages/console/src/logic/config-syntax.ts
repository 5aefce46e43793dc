import { parseAllDocuments } from 'yaml';
import { findJsonFault } from './json-syntax.js';
import { parseProperties } from './properties-syntax.js';

/**
 * Checks a config's content against its declared type before it is published: JSON with JSON.parse, YAML with
 * the `yaml` library, properties with parseProperties. Each problem names its line (1-based) and reason. Errors
 * block publishing; warnings are shown and allowed. Types the console cannot check (text, xml, html, toml) pass.
 */

export interface SyntaxProblem {
  line: number;
  column?: number;
  reason: string;
  severity: 'error' | 'warning';
}

export interface SyntaxCheck {
  /** Whether the console knows this type's syntax at all. */
  checked: boolean;
  problems: SyntaxProblem[];
}

export const CONFIG_TYPES = ['text', 'json', 'yaml', 'properties', 'xml', 'html', 'toml'] as const;

/** The types the console validates. */
export const CHECKED_TYPES: ReadonlySet<string> = new Set(['json', 'yaml', 'properties']);

export function checkSyntax(type: string, content: string): SyntaxCheck {
  if (type === 'json') return { checked: true, problems: checkJson(content) };
  if (type === 'yaml') return { checked: true, problems: checkYaml(content) };
  if (type === 'properties') return { checked: true, problems: parseProperties(content).problems };
  return { checked: false, problems: [] };
}

export function hasErrors(check: SyntaxCheck): boolean {
  return check.problems.some((p) => p.severity === 'error');
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function checkJson(content: string): SyntaxProblem[] {
  if (content.trim() === '') return [{ line: 1, reason: 'empty: a JSON config needs a value such as {}', severity: 'error' }];
  try {
    JSON.parse(content);
    return [];
  } catch (e) {
    const fault = findJsonFault(content);
    if (!fault) return [{ line: 1, reason: (e as Error).message, severity: 'error' }];
    return [{ ...lineAndColumn(content, fault.offset), reason: fault.reason, severity: 'error' }];
  }
}

function checkYaml(content: string): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (const doc of parseAllDocuments(content, { prettyErrors: true })) {
    for (const [list, severity] of [
      [doc.errors, 'error'],
      [doc.warnings, 'warning'],
    ] as const) {
      for (const err of list) {
        const pos = err.linePos?.[0];
        const at = pos ? { line: pos.line, column: pos.col } : lineAndColumn(content, err.pos[0]);
        problems.push({ ...at, reason: firstLine(err.message), severity });
      }
    }
  }
  return problems;
}

// With prettyErrors the message carries "at line N, column M" and a source excerpt; the console shows its own.
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
