import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import { startTestServer } from '../../../../testing/test-server.js';

const POLLS = 2_000;
const WAVE = 250;
const line = (dataId: string, md5: string) => `${dataId}\u0002G\u0002${md5}\u0001`;

/**
 * Load test (issue 9 item 11): 2,000 long polls held at once on one server, each on its own connection, and one
 * publish answers every one of them with the changed key; none is answered before it. No timing assertion: latency
 * belongs in `npm run bench` (its config notify scenario).
 */
test(`one publish answers all of ${POLLS} concurrent long polls, and none before it`, { timeout: 60_000 }, async () => {
  const ts = await startTestServer({ configMinHoldMs: 60_000, configMaxHeldPolls: POLLS * 2 });
  // keepAlive off and no socket limit: every poll gets a connection of its own.
  const agent = new Agent({ keepAlive: false, maxSockets: POLLS + 10 });
  const url = new URL(`${ts.url}/v1/cs/configs/listener`);
  const published = { at: Number.POSITIVE_INFINITY };
  let answeredEarly = 0;
  const sockets = new Set<unknown>();
  try {
    const first = await fetch(`${ts.url}/v1/cs/configs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ dataId: 'load', group: 'G', content: 'v1' }).toString(),
    });
    assert.equal(await first.text(), 'true');
    const md5 = ts.server.ctx.config.md5Of({ namespace: 'public', group: 'G', dataId: 'load' });
    // Every poll holds the current md5 of `load` and a key that never changes, so only the publish can wake it.
    const body = new URLSearchParams({ 'Listening-Configs': line('load', md5) + line('quiet', '') }).toString();
    const poll = () =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          url,
          {
            agent,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'Long-Pulling-Timeout': '60000' },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => {
              if (Date.now() < published.at) answeredEarly++;
              resolve({ status: res.statusCode ?? 0, text });
            });
            res.on('error', reject);
          },
        );
        req.on('socket', (s) => sockets.add(s));
        req.on('error', reject);
        req.end(body);
      });
    // Opened in waves that each wait until the server holds them: 2,000 connects at once overflow the listen backlog
    // on a busy machine (the kernel then resets some), which tests the machine rather than the server.
    const answers: Promise<{ status: number; text: string }>[] = [];
    const deadline = Date.now() + 30_000;
    for (let opened = 0; opened < POLLS; ) {
      const wave = Math.min(WAVE, POLLS - opened);
      for (let i = 0; i < wave; i++) answers.push(poll());
      opened += wave;
      while (ts.server.ctx.longPolls.size < opened) {
        assert.ok(Date.now() < deadline, `only ${ts.server.ctx.longPolls.size} of ${opened} polls held after 30 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.equal(sockets.size, POLLS, 'each poll on its own connection');
    assert.equal(answeredEarly, 0, 'no poll answered before the publish');
    published.at = Date.now();
    const second = await fetch(`${ts.url}/v1/cs/configs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ dataId: 'load', group: 'G', content: 'v2' }).toString(),
    });
    assert.equal(await second.text(), 'true');
    const results = await Promise.all(answers);
    assert.equal(answeredEarly, 0, 'no poll answered before the publish');
    const expected = `${encodeURIComponent('load\u0002G\u0001')}\n`;
    const wrong = results.filter((r) => r.status !== 200 || r.text !== expected);
    assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of ${POLLS} polls answered without the changed key`);
    assert.equal(results.length, POLLS);
    assert.equal(ts.server.ctx.longPolls.size, 0);
  } finally {
    agent.destroy();
    await ts.close();
  }
});
