import { CAUSES, ERROR_CODES, EventBus, FakeTime, Registry, type CairnEvent } from '@cairn/core';
import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, envName, flagName, SETTINGS } from './config/options.js';
import { ERROR_TABLE, NACOS_CODE_TEXT } from './transports/http/error-table.js';
import { Metrics } from './metrics/metrics.js';
import { GrpcMetrics } from './metrics/grpc-metrics.js';
import { clusterMetrics } from './metrics/cluster-metrics.js';

// The docs are read from the repository, found above this compiled file (packages/server/dist/…).
function doc(name: string): string {
  return readFileSync(join(repoRoot(), 'docs', name), 'utf8');
}

/** The lines of one `## heading` section, up to the next heading of the same level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `section '## ${heading}' not found`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Table rows whose first cell is a code span matching `key`: the cells, trimmed, code quotes removed. */
function rows(markdown: string, key: RegExp): string[][] {
  const out: string[][] = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const first = /^`([^`]+)`$/.exec(cells[0] ?? '');
    if (first && key.test(first[1])) out.push([first[1], ...cells.slice(1).map((c) => c.replace(/`/g, ''))]);
  }
  return out;
}

/** Node's own flags the docs recommend, which are not Cairn settings. */
const NODE_FLAGS = new Set(['--max-old-space-size', '--max-semi-space-size', '--min-semi-space-size']);

/** The prose and the `npm start` command lines of a page: where Cairn's flags appear (curl has flags too). */
function cairnText(markdown: string): string {
  return markdown
    .split(/^```.*$/m)
    .map((part, i) =>
      i % 2 === 0
        ? part
        : part
            .split('\n')
            .filter((l) => /npm start|main\.js start|cairn(\.js)? start/.test(l))
            .join('\n'),
    )
    .join('\n');
}

function duplicates(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

test('docs/journal.md documents exactly the cause codes of @cairn/core', () => {
  const causes = rows(section(doc('journal.md'), 'Cause codes'), /^[A-Z][A-Z_]+$/).map((r) => r[0]);
  assert.deepEqual(duplicates(causes), []);
  assert.deepEqual([...causes].sort(), Object.keys(CAUSES).sort());
  for (const row of rows(section(doc('journal.md'), 'Cause codes'), /^[A-Z][A-Z_]+$/)) {
    assert.ok(row[1].length > 0 && row[2].length > 0, `${row[0]} needs a meaning and its evidence`);
  }
});

test('docs/errors.md lists every error code with the status and Nacos code of the error table', () => {
  const table = rows(section(doc('errors.md'), 'Codes'), /^[A-Z][A-Z_]+$/);
  assert.deepEqual(duplicates(table.map((r) => r[0])), []);
  assert.deepEqual(table.map((r) => r[0]).sort(), [...ERROR_CODES].sort());
  for (const [code, status, nacosCode, text] of table) {
    const row = ERROR_TABLE[code as keyof typeof ERROR_TABLE];
    assert.deepEqual({ code, status: Number(status), nacosCode: Number(nacosCode), text }, { code, status: row.status, nacosCode: row.nacosCode, text: NACOS_CODE_TEXT[row.nacosCode] });
  }
});

test('docs/operations.md lists every cairn_* metric with its type', async () => {
  const time = new FakeTime();
  const metrics = new Metrics(new Registry({ clock: time, alarm: time }), { size: 0 }, new EventBus<CairnEvent>(), { subscribers: () => 0, pushStats: () => ({ sent: 0, acked: 0, retried: 0, failed: 0 }) });
  new GrpcMetrics(metrics.registry, () => []);
  clusterMetrics(metrics.registry, () => []);
  const exported = new Map((await metrics.registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('cairn_')).map((m) => [m.name, String(m.type)]));
  const documented = rows(section(doc('operations.md'), 'Metrics'), /^cairn_\w+$/);
  assert.deepEqual(duplicates(documented.map((r) => r[0])), []);
  assert.deepEqual(new Map(documented.map((r) => [r[0], r[1]])), exported);
});

test('the flags, variables and defaults in docs/operations.md and docs/journal.md exist', () => {
  const flags = new Map(SETTINGS.map((s) => [flagName(s.key), s]));
  const variables = new Set(SETTINGS.map((s) => envName(s.key)));
  for (const name of ['operations.md', 'journal.md', 'errors.md']) {
    const text = cairnText(doc(name));
    for (const [flag] of text.matchAll(/--[a-z]+(?:-[a-z]+)+/g)) {
      if (NODE_FLAGS.has(flag)) continue;
      assert.ok(flags.has(flag), `${name} mentions unknown flag ${flag}`);
    }
    for (const [variable] of text.matchAll(/CAIRN_[A-Z_]+/g)) assert.ok(variables.has(variable), `${name} mentions unknown variable ${variable}`);
  }
  const table = rows(section(doc('operations.md'), 'Configuration'), /^--[a-z-]+$/);
  assert.ok(table.length > 0);
  for (const [flag, variable, fallback] of table) {
    const setting = flags.get(flag);
    assert.ok(setting, flag);
    assert.equal(variable, envName(setting.key), flag);
    assert.equal(fallback, String(DEFAULT_OPTIONS[setting.key]), flag);
  }
});
