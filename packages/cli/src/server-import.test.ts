import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

// DESIGN.md: the CLI may import the server only to start it; every other command is a client (the SDK, HTTP).
// One exception: `auth import-nacos` loads it (lazily) for the SQL drivers that read Nacos's tables; its change
// still goes to the running server over HTTP.
test('only start-command.ts and auth-import-command.ts (and test code) import @cairn/server', () => {
  const src = join(repoRoot(), 'packages/cli/src');
  const importers = sources(src)
    .filter((f) => !/\.test\.ts$/.test(f) && !f.includes('/testing/'))
    .filter((f) => /from\s+['"]@cairn\/server['"]|import\(\s*['"]@cairn\/server['"]/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(src, f));
  assert.deepEqual(importers, ['auth-import-command.ts', 'start-command.ts']);
});
