import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, envName, flagName, SETTINGS } from './options.js';

test('docs/configuration.md lists every setting with its flag, variable and default', () => {
  const doc = readFileSync(join(repoRoot(), 'docs/configuration.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim().replace(/`/g, ''));
    if (/^--[a-z]/.test(cells[1] ?? '')) rows.set(cells[1], cells.slice(2, 4));
  }
  assert.deepEqual([...rows.keys()].sort(), SETTINGS.map((s) => flagName(s.key)).sort());
  for (const s of SETTINGS) {
    assert.deepEqual(rows.get(flagName(s.key)), [envName(s.key), String(DEFAULT_OPTIONS[s.key])], s.key);
  }
});
