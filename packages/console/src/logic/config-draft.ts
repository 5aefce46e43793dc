import type { ConfigDraft, ConfigInfo } from '../api/config-api.js';
import type { SyntaxCheck } from './config-syntax.js';

/**
 * The editor's rules as pure steps: the draft a loaded version starts from, what changed besides the content,
 * and what stops a publish before it reaches the server.
 */

// The server's rule for data ids and groups (Nacos's ParamUtils).
const NAME = /^[A-Za-z0-9_.:-]+$/;

export function draftOf(c: ConfigInfo | null): ConfigDraft {
  if (!c) return { content: '', type: 'text', appName: '', desc: '', tags: '' };
  return { content: c.content, type: c.type || 'text', appName: c.appName ?? '', desc: c.desc ?? '', tags: c.configTags ?? '' };
}

/** "Type: yaml → json" lines for the review, for every field other than the content that changed. */
export function fieldChanges(before: ConfigDraft, after: ConfigDraft): string[] {
  const label: [keyof ConfigDraft, string][] = [
    ['type', 'Type'],
    ['appName', 'App'],
    ['desc', 'Description'],
    ['tags', 'Tags'],
  ];
  return label.filter(([k]) => normalized(before[k]) !== normalized(after[k])).map(([k, name]) => `${name}: ${shown(before[k])} → ${shown(after[k])}`);
}

function normalized(v: string): string {
  return v.trim();
}

function shown(v: string): string {
  return v.trim() === '' ? '(none)' : v.trim();
}

/** Why a data id or group is refused, or undefined when the server will take it. */
export function nameProblem(field: 'Data ID' | 'Group', value: string): string | undefined {
  const v = value.trim();
  if (v === '') return `${field} is required.`;
  if (v.length > (field === 'Group' ? 128 : 256)) return `${field} is too long.`;
  if (!NAME.test(v)) return `${field} may hold only letters, digits and _ - . :`;
  return undefined;
}

/** Why the draft cannot be published yet, or undefined. Warnings never block. */
export function publishBlocker(draft: ConfigDraft, check: SyntaxCheck): string | undefined {
  if (draft.content.trim() === '') return 'The content is empty: the server keeps no empty config.';
  const error = check.problems.find((p) => p.severity === 'error');
  if (error) return `Fix the ${draft.type.toUpperCase()} error on line ${error.line} before publishing: ${error.reason}`;
  return undefined;
}
