// The generator side of the auth-beats scenario (bench/scenarios/auth-beats.mjs).
import { Histogram } from './histogram.mjs';
import { Target } from './http-client.mjs';
import { beatPath, INSTANCE_PORT, ipOf, serviceOf } from './instances.mjs';
import { runLanes } from './lanes.mjs';

/**
 * Beats instances [from, to) round-robin, as fast as `lanes` connections allow, for `durationMs`: each beat is the
 * npm client's (full beat JSON in the query) followed by `suffix`, the credentials it carries (`&username=…&password=…`,
 * `&accessToken=…` or nothing). Saturating instead of keeping a schedule, so the rate measures what a beat costs.
 */
export async function authBeat({ port, from, to, services, lanes, durationMs, suffix }) {
  const target = new Target(port, lanes);
  const paths = [];
  for (let i = from; i < to; i++) paths.push(beatPath(serviceOf(i, services), ipOf(i), INSTANCE_PORT) + suffix);
  const hist = new Histogram();
  let next = 0,
    ok = 0,
    failed = 0,
    firstError = null;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + durationMs, async () => {
    const path = paths[next];
    next = (next + 1) % paths.length;
    const t0 = performance.now();
    try {
      const res = await target.request('PUT', path, true);
      hist.recordMs(performance.now() - t0);
      if (res.status === 200 && res.body.includes('"code":10200')) ok++;
      else {
        failed++;
        firstError ??= `beat HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      failed++;
      firstError ??= `beat: ${error}`;
    }
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { type: 'done', ok, failed, firstError, startedAt, endedAt, hist: hist.toJSON() };
}
