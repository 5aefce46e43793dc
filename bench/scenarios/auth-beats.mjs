import { randomBytes } from 'node:crypto';
import { Histogram } from '../lib/histogram.mjs';
import { Target } from '../lib/http-client.mjs';
import { beatPath, INSTANCE_PORT, ipOf, serviceOf } from '../lib/instances.mjs';
import { cpuTicks, ProcSampler, TICKS_PER_SECOND } from '../lib/proc-sampler.mjs';
import { startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const ADMIN = 'nacos';
const LOGIN_PATH = '/nacos/v1/auth/login';
// Nothing expires during the scenario (each server rests while the other is measured); the same on both servers.
const KEEP_ALIVE = ['--health-check-enabled', 'false', '--beat-timeout-ms', '3600000', '--delete-timeout-ms', '3600000'];

/**
 * Auth on the beat path: pairs of servers of their own (`authPairs`, one pair after the other), one with
 * `--auth-enabled true` (first admin `nacos`, its password set through CAIRN_ADMIN_PASSWORD), one with auth off.
 * The same ephemeral instances are registered on both, then beaten as fast as the connections allow, in turns: auth
 * off without credentials (the baseline), auth on with the raw `username` and `password` the npm client adds to
 * every call, auth on with a token (`accessToken`). Each round
 * measures the three once, starting with a different one each round; the ratio of each round compares windows a few
 * seconds apart, so the other load on a shared machine touches both sides alike; the rounds are shared among the
 * pairs. Also: the logins (one at a time: the scrypt cost, on the first pair), and on each pair a check that a beat
 * with a wrong password is refused once the right one is cached.
 */
export async function authBeats({ settings, pool, nodeFlags }) {
  const password = randomBytes(18).toString('base64url');
  const raw = `&username=${ADMIN}&password=${encodeURIComponent(password)}`;
  // Several pairs of fresh servers, the rounds shared among them: what a beat costs one Node process differs from
  // another running the same code by about as much as the credential check costs (user+pw minus off, server CPU
  // per beat, measured from -2.8 to +10.9 us from one pair to the next), so one pair alone lets the draw of its two
  // processes decide the verdict. Each pair's own figures are reported too.
  const pairs = Math.min(settings.authPairs, settings.authRounds);
  const rounds = [];
  const perPair = [];
  let logins;
  let wrongPasswordRefused = true;
  for (let p = 0; p < pairs; p++) {
    const count = Math.floor(settings.authRounds / pairs) + (p < settings.authRounds % pairs ? 1 : 0);
    const pair = await measurePair({ settings, pool, nodeFlags }, password, raw, count, p === 0 ? settings.authLogins : 1, rounds.length);
    logins ??= pair.logins;
    wrongPasswordRefused &&= pair.wrongPasswordRefused;
    rounds.push(...pair.rounds);
    perPair.push(Object.fromEntries(MODES.map((m) => [m, merge(pair.rounds.map((r) => r[m]))])));
  }
  return {
    scenario: 'auth-beats',
    instances: settings.authInstances,
    connections: lanesOf(settings) * settings.workers,
    rounds: rounds.map((r) => {
      const [off, raw, token] = MODES.map((m) => merge([r[m]]));
      return { off, raw, token, rawToOff: ratio(raw, off), tokenToOff: ratio(token, off) };
    }),
    pairs: perPair.map((t) => ({ rawToOff: ratio(t.raw, t.off), usPerBeat: Object.fromEntries(MODES.map((m) => [m, t[m].serverUsPerBeat])) })),
    total: Object.fromEntries(MODES.map((m) => [m, merge(rounds.map((r) => r[m]))])),
    logins: logins.summary,
    wrongPasswordRefused,
  };
}

const MODES = ['off', 'raw', 'token'];

/** One pair of fresh servers (auth on, auth off): logins, registrations, a warm-up turn of each mode, then `count` rounds. */
async function measurePair({ settings, pool, nodeFlags }, password, raw, count, loginCount, firstRound) {
  const serverArgs = [...KEEP_ALIVE, ...settings.serverArgs];
  const on = await startServer({ nodeFlags, serverArgs: [...serverArgs, '--auth-enabled', 'true'], env: { CAIRN_ADMIN_PASSWORD: password } });
  const off = await startServer({ nodeFlags, serverArgs: [...serverArgs, '--auth-enabled', 'false'] });
  console.log(`bench: auth-beats: auth on pid ${on.pid} (127.0.0.1:${on.port}), auth off pid ${off.pid} (127.0.0.1:${off.port}), ${count} rounds`);
  const samplers = { on: new ProcSampler(on.pid), off: new ProcSampler(off.pid) };
  for (const s of Object.values(samplers)) s.setGenerators(pool.pids);
  const onTarget = new Target(on.port, 1);
  try {
    const logins = await timeLogins(onTarget, on.pid, password, loginCount);
    const modes = [
      { name: 'off', label: 'auth off, no credentials', server: off, sampler: samplers.off, suffix: '' },
      { name: 'raw', label: 'auth on, username+password', server: on, sampler: samplers.on, suffix: raw },
      { name: 'token', label: 'auth on, accessToken', server: on, sampler: samplers.on, suffix: `&accessToken=${logins.token}` },
    ];
    await registerAll({ settings, pool }, off, '');
    await registerAll({ settings, pool }, on, raw);
    // Warm-up: one short untimed turn of each, so the JIT has compiled every path before the first window.
    for (const mode of modes) await beatWindow({ settings, pool }, mode, settings.authWarmupSeconds);
    const rounds = [];
    for (let r = firstRound; r < firstRound + count; r++) {
      const round = {};
      // Each round starts with another mode, so no mode always comes first (after the other server's turn).
      for (let m = 0; m < modes.length; m++) {
        const mode = modes[(r + m) % modes.length];
        round[mode.name] = await beatWindow({ settings, pool }, mode, settings.authSeconds);
      }
      rounds.push(round);
    }
    const wrongPassword = await onTarget.request('PUT', `${beatPath(serviceOf(0, settings.services), ipOf(0), INSTANCE_PORT)}&username=${ADMIN}&password=not-${password}`, true);
    return { rounds, logins, wrongPasswordRefused: wrongPassword.status === 403 };
  } finally {
    onTarget.close();
    for (const s of Object.values(samplers)) s.stop();
    await Promise.all([on.stop(), off.stop()]);
  }
}

const lanesOf = (settings) => Math.max(1, Math.ceil(settings.connections / settings.workers));
const ratio = (a, b) => round(a.perSecond / Math.max(1, b.perSecond));

/** Logins one after the other: their latency is one scrypt verification plus the HTTP round trip. */
async function timeLogins(target, pid, password, count) {
  const hist = new Histogram();
  let token = null;
  const ticks = cpuTicks(pid) ?? 0;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await target.request('POST', `${LOGIN_PATH}?username=${ADMIN}&password=${encodeURIComponent(password)}`, true, 30_000);
    hist.recordMs(performance.now() - t0);
    if (res.status !== 200) throw new Error(`auth-beats: login failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    token ??= JSON.parse(res.body).accessToken;
  }
  const cpuMsPerLogin = round((((cpuTicks(pid) ?? 0) - ticks) / TICKS_PER_SECOND / count) * 1000);
  return { token, summary: { count, latency: hist.summary(), serverCpuMsPerLogin: cpuMsPerLogin } };
}

async function registerAll({ settings, pool }, server, suffix) {
  const results = await pool.runAll(
    ranges(settings.authInstances, settings.workers).map(([from, to]) => ({ task: 'register', port: server.port, from, to, services: settings.services, lanes: lanesOf(settings), maxMs: 120_000, suffix })),
    150_000,
  );
  const failed = results.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) throw new Error(`auth-beats: ${failed} registrations failed: ${results.find((r) => r.firstError)?.firstError}`);
}

/** One timed turn of a mode: beats answered, latency, and the server's CPU from /proc (see `merge`). */
async function beatWindow({ settings, pool }, mode, seconds) {
  mode.sampler.begin(`auth-beats ${mode.name}`);
  const results = await pool.runAll(
    ranges(settings.authInstances, settings.workers).map(([from, to]) => ({ task: 'auth-beat', port: mode.server.port, from, to, services: settings.services, lanes: lanesOf(settings), durationMs: seconds * 1000, suffix: mode.suffix })),
    seconds * 1000 + 30_000,
  );
  const proc = mode.sampler.end();
  const ok = results.reduce((a, r) => a + r.ok, 0);
  const elapsed = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const latency = results.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram()).toJSON();
  return { ok, failed: results.reduce((a, r) => a + r.failed, 0), firstError: results.find((r) => r.firstError)?.firstError ?? null, seconds: elapsed, latency, proc };
}

/** One mode's figures over its turns (one round's, or all rounds'). */
function merge(windows) {
  const ok = windows.reduce((a, w) => a + w.ok, 0);
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  const cpuSeconds = windows.reduce((a, w) => a + (w.proc.serverCpuPct / 100) * w.proc.seconds, 0);
  return {
    ok,
    failed: windows.reduce((a, w) => a + w.failed, 0),
    firstError: windows.find((w) => w.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(ok / seconds),
    serverUsPerBeat: round((cpuSeconds * 1e6) / Math.max(1, ok)),
    latency: windows.reduce((h, w) => h.merge(Histogram.from(w.latency)), new Histogram()).summary(),
    serverCpuPct: round(
      windows.reduce((a, w) => a + w.proc.serverCpuPct * w.proc.seconds, 0)
        / Math.max(
          1,
          windows.reduce((a, w) => a + w.proc.seconds, 0),
        ),
    ),
    generatorCpuPct: round(
      windows.reduce((a, w) => a + w.proc.generatorCpuPct * w.proc.seconds, 0)
        / Math.max(
          1,
          windows.reduce((a, w) => a + w.proc.seconds, 0),
        ),
    ),
    machineBusyPct: round(
      windows.reduce((a, w) => a + w.proc.machineBusyPct * w.proc.seconds, 0)
        / Math.max(
          1,
          windows.reduce((a, w) => a + w.proc.seconds, 0),
        ),
    ),
  };
}
