import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { freePortPair, repoRoot, spawnServer, type SpawnedServer } from '@cairn/testkit';

// docs/sdk.md must be true: every ```js block runs against a real server (the address rewritten to it).
const doc = readFileSync(join(repoRoot(), 'docs/sdk.md'), 'utf8');
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('the examples in docs/sdk.md run', () => {
  let server: SpawnedServer;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sdk-docs-'));
  before(async () => {
    // gRPC on the HTTP port + 1000, where the gRPC example's client dials, as on 8848 and 9848.
    server = await spawnServer(['--port', String(await freePortPair())]);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the page has examples', () => assert.ok(blocks.length >= 4, `${blocks.length} examples`));

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.includes('client.') || l.includes('new NamingClient')) ?? `example ${i + 1}`;
    test(`example ${i + 1}: ${title.trim().slice(0, 70)}`, async () => {
      const sdk = pathToFileURL(join(repoRoot(), 'packages/sdk/dist/index.js')).href;
      const file = join(dir, `example-${i + 1}.mjs`);
      writeFileSync(file, code.replaceAll("'@cairn/sdk'", `'${sdk}'`).replaceAll('127.0.0.1:8848', new URL(server.url).host));
      const {
        stdout,
        stderr,
        code: exit,
      } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
        execFile(process.execPath, [file], { timeout: 10_000 }, (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? Number(error.code ?? 1) : 0 }));
      });
      assert.equal(exit, 0, `example ${i + 1} failed:\n${stderr}`);
      assert.ok(stdout.trim().length > 0, 'it printed its result');
    });
  });
});
