import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './repo-root.js';

// What each package may import (DESIGN.md "Layout"). Relative imports are always allowed.
const RULES: Record<string, { allow: RegExp; testOnly?: RegExp }> = {
  core: { allow: /^@cairn\/api$/, testOnly: /^node:(test|assert\/strict)$/ },
  storage: { allow: /^(@cairn\/core|node:.*|better-sqlite3|mysql2(\/.*)?|pg)$/ },
  testkit: { allow: /^(@cairn\/core|node:.*)$/ },
  api: { allow: /^$/ },
  server: { allow: /^(@cairn\/api|@cairn\/core|@cairn\/storage|node:.*|fastify|pino|prom-client|mysql2(\/.*)?|@grpc\/.*)$/, testOnly: /^(@cairn\/testkit|nacos|nacos-naming|address|pg)$/ },
  sdk: { allow: /^(@cairn\/api|node:.*)$/, testOnly: /^@cairn\/testkit$/ },
  // The server only to start it (packages/cli/src/server-import.test.ts checks that only `start` imports it).
  cli: { allow: /^(@cairn\/api|@cairn\/sdk|@cairn\/server|node:.*)$/, testOnly: /^@cairn\/testkit$/ },
  // The console runs in a browser and talks HTTP only; its Node-side code is tests (logic tests and e2e).
  console: { allow: /^(@cairn\/api|react|react-dom\/client|react\/jsx-runtime)$/, testOnly: /^(@cairn\/testkit|playwright-core|node:.*)$/ },
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

function importsOf(text: string): string[] {
  const found: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

test('each package imports only what DESIGN.md allows it', () => {
  const root = repoRoot();
  const violations: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const rule = RULES[pkg];
    const src = join(root, 'packages', pkg, 'src');
    if (!rule || !statSync(join(root, 'packages', pkg)).isDirectory()) continue;
    for (const file of sources(src)) {
      const isTestCode = /\.test\.tsx?$/.test(file) || file.includes('/testing/') || file.includes('/e2e/');
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        if (rule.allow.test(spec)) continue;
        if (isTestCode && rule.testOnly?.test(spec)) continue;
        violations.push(`${relative(root, file)} imports '${spec}'`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the import scanner sees the kinds of import it must police', () => {
  // Built from pieces so that this file's own source does not contain the imports it lists.
  const q = "'";
  const text = ['import a from ' + q + 'node:fs' + q + ';', 'export { b } from ' + q + '@cairn/server' + q + ';', 'const c = await import(' + q + 'pg' + q + ');', 'import ' + q + 'side-effect' + q + ';'].join('\n');
  assert.deepEqual(importsOf(text), ['node:fs', '@cairn/server', 'pg', 'side-effect']);
});

test('a version of an API never imports another version: v1 and v2 routes both call core', () => {
  const root = repoRoot();
  const violations: string[] = [];
  for (const file of sources(join(root, 'packages', 'server', 'src'))) {
    const version = /\/(v\d)\//.exec(file)?.[1];
    if (!version) continue;
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const other = /(?:^|\/)(v\d)\//.exec(spec)?.[1];
      if (spec.startsWith('.') && other && other !== version) violations.push(`${relative(root, file)} imports '${spec}'`);
    }
  }
  assert.deepEqual(violations, []);
});
