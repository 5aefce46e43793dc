import { repoRoot, spawnServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// docs/sdk.md tells an application outside the repository to `npm pack` the SDK workspace and install the
// tarball (the package is not on the npm registry). Done here for real, into an empty application.

/** npm with none of the npm_* variables of an `npm test` around it, which would point it at the repository. */
function npm(args: string[], cwd: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve, reject) => {
    execFile('npm', args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`npm ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

test('the SDK packed with `npm pack -w @cairn/api -w @cairn/sdk` installs into an application and lists a service', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sdk-install-'));
  const server = await spawnServer();
  try {
    const packed = JSON.parse(await npm(['pack', '-w', '@cairn/api', '-w', '@cairn/sdk', '--pack-destination', dir, '--json'], repoRoot())) as { filename: string; files: { path: string }[] }[];
    const files = packed[1].files.map((f) => f.path);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), files.join(' '));
    assert.deepEqual(
      files.filter((f) => /\.test\.|\/testing\/|^src\//.test(f)),
      [],
      'the tarball ships no tests or sources',
    );

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // --offline: the SDK depends only on the API types, installed beside it, so the install needs no registry.
    await npm(['install', '--offline', '--no-audit', '--no-fund', ...packed.map((p) => join(dir, p.filename))], app);
    writeFileSync(
      join(app, 'list.mjs'),
      [
        "import { NamingClient } from '@cairn/sdk';",
        `const client = new NamingClient({ serverAddresses: ['${new URL(server.url).host}'] });`,
        "await client.registerInstance('installed', { ip: '127.0.0.1', port: 7400 });",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this line is source code for the application, where the template is evaluated.
        "console.log(JSON.stringify((await client.getAllInstances('installed')).map((i) => `${i.ip}:${i.port}`)));",
        'await client.close();',
      ].join('\n'),
    );
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['list.mjs'], { cwd: app, timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    assert.deepEqual(JSON.parse(out), ['127.0.0.1:7400']);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
