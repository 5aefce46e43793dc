// The generator side of the reference scenario (bench/scenarios/reference.mjs): beats at a fixed offered rate.
import { BeatTally } from './beat-tally.mjs';
import { Histogram } from './histogram.mjs';
import { Target } from './http-client.mjs';
import { beatPath, INSTANCE_PORT, ipOf, serviceOf } from './instances.mjs';
import { runLanes } from './lanes.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Beats instances [from, to) round-robin, starting at `offset` within the range, at `perSecond` beats per second for
 * `durationMs`, to every server of `ports` at once (the same beat to each, on connections of its own): beat n is due
 * at start + n / perSecond, and a lane waits for it unless it is already late. So each server sees the same offered
 * load at the same time whatever it costs, and its CPU per beat is comparable between servers.
 */
export async function rateBeat({ ports, from, to, offset, services, lanes, durationMs, perSecond }) {
  const paths = [];
  for (let i = from; i < to; i++) paths.push(beatPath(serviceOf(i, services), ipOf(i), INSTANCE_PORT));
  const origin = performance.now();
  const sides = await Promise.all(ports.map((port) => beatOnSchedule({ port, paths, offset, lanes, durationMs, perSecond, origin })));
  return { type: 'done', sides };
}

/** Beats `paths` from `offset` on at `perSecond` to one server for `durationMs` (the cluster scenario uses it per node). */
export async function beatOnSchedule({ port, paths, offset, lanes, durationMs, perSecond, origin }) {
  const target = new Target(port, lanes);
  const tally = new BeatTally();
  const lateness = new Histogram();
  const total = Math.floor((perSecond * durationMs) / 1000);
  let claimed = 0;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + durationMs + 10_000, async () => {
    if (claimed >= total) return false;
    const n = claimed++;
    const dueAt = origin + (n * 1000) / perSecond;
    const wait = dueAt - performance.now();
    if (wait > 1) await sleep(wait);
    lateness.recordMs(Math.max(0, performance.now() - dueAt));
    await tally.send(target, paths[(offset + n) % paths.length]);
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { ...tally.result(startedAt, endedAt), lateness: lateness.toJSON() };
}
