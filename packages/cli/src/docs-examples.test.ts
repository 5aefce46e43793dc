import { freePortPair, repoRoot } from '@cairn/testkit';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closedPort, hostPort, runCli, startCli } from './testing/run-cli.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

interface Step {
  line: string;
  kind: 'cairn' | 'background' | 'kill' | 'sleep';
  args: string[];
  exit: number;
}

/**
 * The `npx cairn …`, `sleep N` and `kill %N` lines of the ```sh blocks of docs/cli.md, in order. A trailing
 * `# exit N` states the expected exit code (default 0); `# runs until Ctrl-C` marks a line not to run; a line
 * ending in `&` runs in the background until a `kill %N` names it (jobs numbered from 1, as in a shell).
 */
function steps(markdown: string): Step[] {
  const blocks = markdown
    .split(/^```/m)
    .filter((_, i) => i % 2 === 1)
    .filter((b) => b.startsWith('sh\n'));
  const out: Step[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n').slice(1))) {
    const [command, comment = ''] = line.split(/\s+#\s+/);
    if (comment.includes('runs until Ctrl-C')) continue;
    const words = command.trim().split(/\s+/);
    const exit = Number(/^exit (\d)/.exec(comment)?.[1] ?? 0);
    const background = words.at(-1) === '&';
    if (background) words.pop();
    if (words[0] === 'npx' && words[1] === 'cairn') out.push({ line, kind: background ? 'background' : 'cairn', args: words.slice(2), exit });
    else if (words[0] === 'sleep') out.push({ line, kind: 'sleep', args: [words[1]], exit });
    else if (words[0] === 'kill' && /^%\d+$/.test(words[1] ?? '')) out.push({ line, kind: 'kill', args: [words[1].slice(1)], exit });
  }
  return out;
}

/** A background command, with everything it printed so far. */
interface Job {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startJob(args: string[], env: Record<string, string>): Job {
  const child = startCli(args, env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out, exited: new Promise((resolve) => child.on('close', resolve)) };
}

/** Waits until a background `instance register --keep-alive` has registered (or has exited). */
async function registered(job: Job, line: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!job.output().includes('sending heartbeats') && job.child.exitCode === null) {
    assert.ok(Date.now() < deadline, `${line}: not registered within 15 s\n${job.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(job.child.exitCode, null, `${line} exited early\n${job.output()}`);
}

let ts: TestServer;
before(async () => {
  // Fake time: the page's `sleep 31` advances the server's clock instead of waiting.
  // On a port whose + 1000 is free, so gRPC is where the doctor's grpc check dials, as on 8848 and 9848.
  ts = await startTestServer({ port: await freePortPair() }, { fakeTime: true });
});
after(() => ts.close());

test('every cairn command in docs/cli.md runs, in order, with the exit code the page states', { timeout: 120_000 }, async () => {
  const page = readFileSync(join(repoRoot(), 'docs', 'cli.md'), 'utf8');
  const all = steps(page);
  assert.ok(all.filter((s) => s.kind === 'cairn').length >= 20, `only ${all.length} examples found`);
  // The page's default server is this test's server; its example of a closed port is a port that is closed here.
  const live = hostPort(ts.url);
  const closed = String(await closedPort());
  const jobs: Job[] = [];
  try {
    for (const step of all) {
      if (step.kind === 'sleep') {
        ts.time!.advance(Number(step.args[0]) * 1000);
        continue;
      }
      if (step.kind === 'kill') {
        const job = jobs[Number(step.args[0]) - 1];
        assert.ok(job, `${step.line}: no such background job`);
        job.child.kill('SIGTERM');
        assert.equal(await job.exited, 0, `${step.line}\n${job.output()}`);
        assert.match(job.output(), /SIGTERM: deregistered/, step.line);
        continue;
      }
      const args = step.args.map((a) => a.replace('127.0.0.1:8848', live).replace('127.0.0.1:18848', `127.0.0.1:${closed}`));
      if (step.kind === 'background') {
        const job = startJob(args, { CAIRN_SERVER: live });
        jobs.push(job);
        await registered(job, step.line);
        continue;
      }
      const run = await runCli(args, { CAIRN_SERVER: live });
      assert.equal(run.code, step.exit, `${step.line}\n${run.stdout}${run.stderr}`);
      if (args.includes('--json')) assert.doesNotThrow(() => JSON.parse(run.stdout), step.line);
    }
    assert.ok(jobs.length > 0, 'the page starts no background job');
    assert.ok(
      jobs.every((j) => j.child.exitCode !== null || j.child.signalCode !== null),
      'a background job was never killed',
    );
  } finally {
    for (const job of jobs) if (job.child.exitCode === null) job.child.kill('SIGKILL');
  }
});
