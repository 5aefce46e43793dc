// The generator side of the auth-beats scenario (bench/scenarios/auth-beats.mjs).
import { BeatTally } from './beat-tally.mjs';
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
  const tally = new BeatTally();
  let next = 0;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + durationMs, async () => {
    const path = paths[next];
    next = (next + 1) % paths.length;
    await tally.send(target, path);
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { type: 'done', ...tally.result(startedAt, endedAt) };
}
