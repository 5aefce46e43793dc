import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './repo-root.js';

// What each package may import (DESIGN.md "Layout"). Relative imports are always allowed.
// biome.json encodes the same table for the linter (noRestrictedImports per package); a test below keeps the two in step.
const RULES: Record<string, { allow: RegExp; testOnly?: RegExp }> = {
  api: { allow: /^$/, testOnly: /^node:(test|assert\/strict)$/ },
  core: { allow: /^@cairn\/api$/, testOnly: /^node:(test|assert\/strict)$/ },
  storage: { allow: /^(@cairn\/core|node:.*|better-sqlite3|mysql2(\/.*)?|pg)$/ },
  testkit: { allow: /^(@cairn\/core|node:.*)$/ },
  server: { allow: /^(@cairn\/api|@cairn\/core|@cairn\/storage|node:.*|fastify|@fastify\/multipart|pino|prom-client|mysql2(\/.*)?|@grpc\/.*|yaml|yauzl|yazl|bcryptjs)$/, testOnly: /^(@cairn\/testkit|nacos|nacos-naming|address|pg)$/ },
  // The SDK's gRPC transport speaks HTTP/2 through grpc-js (loaded only when `protocol: 'grpc'` is chosen).
  // Its tests may run a server in the same process (auth on, a fake clock) and use the server's test helpers
  // (throw-away databases, `@cairn/server/testing`); the SDK itself never imports either.
  sdk: { allow: /^(@cairn\/api|node:.*|@grpc\/grpc-js)$/, testOnly: /^@cairn\/(testkit|server|server\/testing)$/ },
  // The `cairn` command: start delegates to the server, everything else goes through the SDK.
  cli: { allow: /^(@cairn\/api|@cairn\/sdk|@cairn\/server|node:.*)$/, testOnly: /^@cairn\/testkit$/ },
  // The console runs in a browser and talks HTTP only; its Node-side code is tests (logic tests and e2e). It bundles
  // two parsers: yaml (checks YAML configs before publishing) and diff (line diffs of config versions).
  console: { allow: /^(@cairn\/api|react|react-dom\/client|react\/jsx-runtime|yaml|diff)$/, testOnly: /^(@cairn\/testkit|playwright-core|node:.*)$/ },
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

type BiomeOverride = { includes?: string[]; linter?: { rules?: { style?: { noRestrictedImports?: { options: { patterns: { group: string[] }[] } } } } } };

/** Whether one of Biome's import-source globs matches: `:PATH:` is a relative or absolute path, `*` stays within a segment, `**` spans segments. */
function globMatches(glob: string, spec: string): boolean {
  if (glob === ':PATH:') return spec.startsWith('.') || spec.startsWith('/');
  const literal = (s: string) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  const segment = (part: string) => part.split('*').map(literal).join('[^/]*');
  return new RegExp(`^${glob.split('**').map(segment).join('.*')}$`).test(spec);
}

/** Biome's verdict for one import under a `group` such as ['**', '!:PATH:', '!node:*']: a glob matches it and no negated glob lets it through. */
function biomeForbids(group: readonly string[], spec: string): boolean {
  const allowed = group.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const forbidden = group.filter((g) => !g.startsWith('!'));
  return forbidden.some((glob) => globMatches(glob, spec)) && !allowed.some((glob) => globMatches(glob, spec));
}

test('biome.json forbids exactly the imports this table forbids', () => {
  const root = repoRoot();
  const overrides: BiomeOverride[] = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')).overrides ?? [];
  const groupFor = (include: string) => overrides.find((o) => o.includes?.includes(include))?.linter?.rules?.style?.noRestrictedImports?.options.patterns[0]?.group;
  // Imports each side must judge alike: every workspace, node modules, the drivers and libraries in use, and some nobody may import.
  const fixed = `./x.js ../x.js fs node:fs node:fs/promises node:test node:assert/strict better-sqlite3 mysql2 mysql2/promise pg fastify @fastify/multipart pino prom-client @grpc/grpc-js yaml yauzl yazl bcryptjs
    nacos nacos-naming address react react-dom/client react/jsx-runtime playwright-core vite lodash`;
  const probes = [...fixed.split(/\s+/), ...Object.keys(RULES).map((pkg) => `@cairn/${pkg}`)];
  const disagreements: string[] = [];
  for (const [pkg, rule] of Object.entries(RULES)) {
    const group = groupFor(`packages/${pkg}/src/**`);
    const testGroup = rule.testOnly ? groupFor(`packages/${pkg}/src/**/*.test.ts`) : group;
    if (!group || !testGroup) {
      disagreements.push(`${pkg}: no noRestrictedImports override in biome.json`);
      continue;
    }
    for (const spec of probes) {
      const relative = spec.startsWith('.');
      const forbidden = !relative && !rule.allow.test(spec);
      const forbiddenInTests = forbidden && !rule.testOnly?.test(spec);
      if (biomeForbids(group, spec) !== forbidden) disagreements.push(`${pkg}: '${spec}'`);
      if (biomeForbids(testGroup, spec) !== forbiddenInTests) disagreements.push(`${pkg} test code: '${spec}'`);
    }
  }
  assert.deepEqual(disagreements, []);
});
