import { repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './testing/test-server.js';
import { closedPort, hostPort, runCli } from './testing/run-cli.js';

interface Step { line: string; kind: 'cairn' | 'sleep'; args: string[]; exit: number }

/**
 * The `npx cairn …` and `sleep N` lines of the ```sh blocks of docs/cli.md, in order. A trailing `# exit N`
 * states the expected exit code (default 0); `# runs until Ctrl-C` marks a line not to run.
 */
function steps(markdown: string): Step[] {
  const blocks = markdown.split(/^```/m).filter((_, i) => i % 2 === 1).filter((b) => b.startsWith('sh\n'));
  const out: Step[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n').slice(1))) {
    const [command, comment = ''] = line.split(/\s+#\s+/);
    if (comment.includes('runs until Ctrl-C')) continue;
    const words = command.trim().split(/\s+/);
    const exit = Number(/^exit (\d)/.exec(comment)?.[1] ?? 0);
    if (words[0] === 'npx' && words[1] === 'cairn') out.push({ line, kind: 'cairn', args: words.slice(2), exit });
    else if (words[0] === 'sleep') out.push({ line, kind: 'sleep', args: [words[1]], exit });
  }
  return out;
}

let ts: TestServer;
before(async () => {
  // Fake time: the page's `sleep 31` advances the server's clock instead of waiting.
  ts = await startTestServer({}, { fakeTime: true });
});
after(() => ts.close());

test('every cairn command in docs/cli.md runs, in order, with the exit code the page states', { timeout: 120_000 }, async () => {
  const page = readFileSync(join(repoRoot(), 'docs', 'cli.md'), 'utf8');
  const all = steps(page);
  assert.ok(all.filter((s) => s.kind === 'cairn').length >= 20, `only ${all.length} examples found`);
  // The page's default server is this test's server; its example of a closed port is a port that is closed here.
  const live = hostPort(ts.url);
  const closed = String(await closedPort());
  for (const step of all) {
    if (step.kind === 'sleep') {
      ts.time!.advance(Number(step.args[0]) * 1000);
      continue;
    }
    const args = step.args.map((a) => a.replace('127.0.0.1:8848', live).replace('127.0.0.1:18848', `127.0.0.1:${closed}`));
    const run = await runCli(args, { CAIRN_SERVER: live });
    assert.equal(run.code, step.exit, `${step.line}\n${run.stdout}${run.stderr}`);
    if (args.includes('--json')) assert.doesNotThrow(() => JSON.parse(run.stdout), step.line);
  }
});
