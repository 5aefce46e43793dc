import { Histogram } from '../lib/histogram.mjs';
import { ipOf, LIST_SERVICE, listPath, registerPath } from '../lib/instances.mjs';

// Long per-instance timeouts (a Nacos feature) keep the list service healthy without beats for the whole run.
const KEEP = { bench: 'list', 'preserved.heart.beat.timeout': '3600000', 'preserved.ip.delete.timeout': '3600000' };

/** Scenario 3: GET /instance/list for one service of 100 instances, from every worker at once. */
export async function listQueries({ settings, pool, sampler, target }) {
  for (let i = 0; i < settings.listInstances; i++) {
    const res = await target.request('POST', registerPath(LIST_SERVICE, ipOf(1_000_000 + i), 9000, KEEP), true);
    if (res.status !== 200) throw new Error(`list setup: register failed: HTTP ${res.status} ${res.body}`);
  }
  const path = listPath(LIST_SERVICE);
  const answer = await target.request('GET', path, true);
  const check = JSON.parse(answer.body);
  if (check.hosts.length !== settings.listInstances) throw new Error(`list setup: expected ${settings.listInstances} hosts, got ${check.hosts.length}`);

  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
  const durationMs = settings.listSeconds * 1000;
  sampler.begin('list');
  const results = await pool.runAll(
    pool.workers.map(() => ({ task: 'list', port: target.port, path, lanes, durationMs, maxRequests: 50_000_000, minBytes: answer.bytes - 64 })),
    durationMs + 30_000,
  );
  const proc = sampler.end();
  const ok = results.reduce((a, r) => a + r.ok, 0);
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const latency = results.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram());
  return {
    scenario: 'list',
    hostsPerAnswer: check.hosts.length,
    answerBytes: Math.round(results.reduce((a, r) => a + r.bytes, 0) / Math.max(1, ok)),
    connections: lanes * settings.workers,
    ok,
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(ok / seconds),
    latency: latency.summary(),
    proc,
  };
}

export const round = (v) => Math.round(v * 100) / 100;
