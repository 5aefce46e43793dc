import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer } from './testing/test-server.js';

/** Every `/nacos/…` path (or `GET /nacos/…`) in a paragraph or list item of a page that speaks of Prometheus. */
function prometheusPaths(page: string): string[] {
  const text = readFileSync(join(repoRoot(), 'docs', page), 'utf8');
  const parts = text.split(/\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )/).filter((p) => /Prometheus/.test(p));
  return [...new Set(parts.flatMap((p) => [...p.matchAll(/`(?:GET )?(\/nacos\/[^`\s?]*)`/g)].map((m) => m[1])))];
}

// docs/benchmarks.md once named metrics paths the server never served; every path the docs give for the
// Prometheus scrape must answer with Cairn's metrics.
test('the Prometheus paths named in docs/benchmarks.md and docs/operations.md serve the metrics', async () => {
  const ts = await startTestServer();
  try {
    for (const page of ['benchmarks.md', 'operations.md']) {
      const paths = prometheusPaths(page);
      assert.ok(paths.length > 0, `${page} names no Prometheus path`);
      for (const path of paths) {
        const res = await fetch(`${new URL(ts.url).origin}${path}`);
        const body = await res.text();
        assert.equal(res.status, 200, `${page}: GET ${path}`);
        assert.match(body, /^cairn_journal_events_total\{cause="BEAT_MISSED"\} \d+$/m, `${page}: GET ${path}`);
      }
    }
  } finally {
    await ts.close();
  }
});
