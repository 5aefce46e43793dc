import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// docs/cli.md runs everything as `npx cairn`: these check the command as a user gets it, not the compiled file.
const LAUNCHER = 'packages/cli/bin/cairn.js';
const root = repoRoot();
const { CAIRN_SERVER: _ignored, ...env } = process.env;

test('`npx --no-install cairn --help` in the repository root lists the commands and exits 0', () => {
  const run = spawnSync('npx', ['--no-install', 'cairn', '--help'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, `npx cairn --help exited ${run.status}:\n${run.stdout}${run.stderr}`);
  assert.match(run.stdout, /^Usage: cairn <command>/);
  for (const command of ['start', 'instance register', 'instance list', 'service get', 'events', 'doctor']) {
    assert.match(run.stdout, new RegExp(`\\n  ${command}\\s`), `'${command}' is not listed`);
  }
});

test('npm links `cairn` to the committed launcher', () => {
  assert.equal(realpathSync(join(root, 'node_modules/.bin/cairn')), realpathSync(join(root, LAUNCHER)));
});

test('the launcher is executable on disk and committed with mode 100755', (t) => {
  assert.ok((statSync(join(root, LAUNCHER)).mode & 0o111) !== 0, `${LAUNCHER} has no execute bit`);
  const ls = spawnSync('git', ['ls-files', '--stage', '--', LAUNCHER], { cwd: root, encoding: 'utf8' });
  if (ls.status !== 0) {
    t.skip(`not a git work tree, so the committed mode cannot be read: ${ls.stderr.trim()}`);
    return;
  }
  assert.match(ls.stdout, /^100755 /, `git ls-files --stage ${LAUNCHER}: '${ls.stdout.trim()}' (fix: git update-index --chmod=+x ${LAUNCHER})`);
});

test('before a build, the launcher says to run `npm run build` and exits 1', () => {
  // A copy of the package without dist/, as a clone is before its first build.
  const dir = mkdtempSync(join(tmpdir(), 'cairn-launcher-'));
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    copyFileSync(join(root, LAUNCHER), join(dir, 'bin/cairn.js'));
    const run = spawnSync(process.execPath, [join(dir, 'bin/cairn.js'), '--help'], { env, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^cairn: the CLI is not built \(.*dist\/main\.js is missing\); run `npm run build`/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
