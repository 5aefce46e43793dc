import { CONFIG_GROUP, getPath } from '../lib/config-tasks.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const GET_DATA_ID = 'bench-get-4k';
const WATCHED_DATA_ID = 'bench-watched';

/**
 * The config center under load, three phases on one server:
 * publishes/s (each answered after its commit), gets/s of one 4 KB config, and the time from a publish to every
 * one of N held long polls answered (a 1.x client's listener), as percentiles.
 */
export async function configScenario({ settings, pool, sampler, target }) {
  return { publish: await publishes(settings, pool, sampler, target), get: await gets(settings, pool, sampler, target), notify: await notifications(settings, pool, sampler, target) };
}

async function publishes(settings, pool, sampler, target) {
  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
  sampler.begin('config-publish');
  const results = await pool.runAll(
    ranges(settings.configPublishes, settings.workers).map(([from, to]) => ({ task: 'config-publish', port: target.port, from, to, lanes, maxMs: 120_000, prefix: 'bench-pub' })),
    150_000,
  );
  return rateSummary('config-publish', results, lanes * settings.workers, sampler.end());
}

async function gets(settings, pool, sampler, target) {
  const content = Array.from({ length: 64 }, (_, i) => `bench.key.${String(i).padStart(2, '0')}=${'v'.repeat(50)}`).join('\n');
  await publishForm(target.port, GET_DATA_ID, content);
  const path = getPath(GET_DATA_ID);
  const answer = await target.request('GET', path, true);
  if (answer.status !== 200 || answer.body !== content) throw new Error(`config get setup: HTTP ${answer.status}, ${answer.bytes} bytes`);
  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
  const durationMs = settings.configGetSeconds * 1000;
  sampler.begin('config-get');
  const results = await pool.runAll(
    pool.workers.map(() => ({ task: 'list', port: target.port, path, lanes, durationMs, maxRequests: 50_000_000, minBytes: answer.bytes })),
    durationMs + 30_000,
  );
  return { ...rateSummary('config-get', results, lanes * settings.workers, sampler.end()), answerBytes: answer.bytes };
}

async function notifications(settings, pool, sampler, target) {
  await publishForm(target.port, WATCHED_DATA_ID, 'version=1');
  const currentMd5 = await md5Of(target.port);
  const perWorker = ranges(settings.configListeners, settings.workers).map(([from, to]) => to - from);
  const holdMs = 30_000;
  sampler.begin('config-notify');
  const listening = pool.workers.map((w, n) => pool.ask(w, { task: 'config-listen', port: target.port, count: perWorker[n], dataId: WATCHED_DATA_ID, md5: currentMd5, holdMs, maxMs: holdMs + 10_000 }, 'listening', 30_000));
  await Promise.all(listening);
  // Every poll is written; give the server time to accept the connections and park the polls.
  await sleep(settings.configSettleMs);
  const done = pool.waitAll('done', holdMs + 20_000);
  const publishedAt = Date.now();
  await publishForm(target.port, WATCHED_DATA_ID, 'version=2');
  const results = await done;
  const proc = sampler.end();
  const delays = new Histogram();
  for (const r of results) for (const at of r.answeredAt) delays.recordMs(at - publishedAt);
  const notified = results.reduce((a, r) => a + r.answeredAt.length, 0);
  return {
    scenario: 'config-notify',
    listeners: settings.configListeners,
    notified,
    answeredEmpty: results.reduce((a, r) => a + r.empty, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
    delay: delays.summary(),
    proc,
  };
}

/** A publish with the content in a form body (a 4 KB content does not belong in a URL). */
async function publishForm(port, dataId, content) {
  const res = await fetch(`http://127.0.0.1:${port}/nacos/v1/cs/configs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ dataId, group: CONFIG_GROUP, content }).toString(),
  });
  const text = await res.text();
  if (res.status !== 200 || text.trim() !== 'true') throw new Error(`config publish ${dataId}: HTTP ${res.status} ${text.slice(0, 200)}`);
}

async function md5Of(port) {
  const res = await fetch(`http://127.0.0.1:${port}${getPath(WATCHED_DATA_ID)}`);
  await res.text();
  const md5 = res.headers.get('content-md5');
  if (!md5) throw new Error('config get: no Content-MD5 header');
  return md5;
}

/** The figures of a phase whose workers each report ok/failed counts, a latency histogram and their start/end. */
function rateSummary(scenario, results, connections, proc) {
  const ok = results.reduce((a, r) => a + r.ok, 0);
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  return {
    scenario,
    connections,
    ok,
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(ok / seconds),
    latency: results.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram()).summary(),
    proc,
  };
}
