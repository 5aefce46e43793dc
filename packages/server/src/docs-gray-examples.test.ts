import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';

/** The curl commands of the ```sh blocks of one `### heading` section, continuation lines joined, with their `# prints:` text. */
function curlCommands(markdown: string, heading: string): { command: string; prints?: string }[] {
  const start = markdown.indexOf(`\n### ${heading}\n`);
  assert.ok(start >= 0, `section '### ${heading}' not found`);
  const end = markdown.indexOf('\n#', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const blocks = section
    .split(/^```/m)
    .filter((_, i) => i % 2 === 1)
    .filter((b) => b.startsWith('sh\n'));
  const lines = blocks.flatMap((b) =>
    b
      .slice(3)
      .replace(/\\\n\s*/g, '')
      .split('\n'),
  );
  return lines
    .filter((l) => l.startsWith('curl '))
    .map((l) => {
      const [command, prints] = l.split(' # prints: ');
      return { command: command.trim(), prints };
    });
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;
let ts: TestServer;
before(async () => {
  ts = await startTestServer();
});
after(() => ts.close());

/** Runs one shell line without blocking this process, which serves the requests. */
function shell(line: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', line], { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('every curl line of "Gray releases" in docs/config.md runs, in order, and prints what the page says', { skip: hasCurl ? false : 'curl is not installed' }, async () => {
  const commands = curlCommands(readFileSync(join(repoRoot(), 'docs', 'config.md'), 'utf8'), 'Gray releases');
  assert.ok(commands.length >= 5, `found ${commands.length} curl lines`);
  const port = new URL(ts.url).port;
  for (const { command, prints } of commands) {
    // Loopback only: the page's address with the test server's port.
    const line = command.replaceAll('127.0.0.1:8848', `127.0.0.1:${port}`).replace(/^curl /, 'curl -sS --fail-with-body ');
    assert.ok(!/https?:\/\/(?!127\.0\.0\.1:)/.test(line), `only loopback: ${line}`);
    const run = await shell(line);
    assert.equal(run.status, 0, `${command}\n${run.stdout}${run.stderr}`);
    if (prints !== undefined) assert.ok(run.stdout.includes(prints.trim()), `${command}\nprinted ${run.stdout}, the page says ${prints}`);
  }
});
