// One load-generator process. The orchestrator forks several (node:child_process) and drives them over IPC:
// { task: 'register' | 'list' | 'beat' | 'config-publish' | 'config-listen', ... }; the beat task also takes
// 'window-start', 'report' and 'stop'. The gRPC tasks ('grpc-*') are in grpc-tasks.mjs, 'auth-beat' in auth-tasks.mjs,
// 'rate-beat' in reference-tasks.mjs,
// 'soak*' in soak-tasks.mjs; 'cluster-register' and 'cluster-beat' (one block of instances per node) are below.
import { authBeat } from './auth-tasks.mjs';
import { BeatWheel } from './beat-wheel.mjs';
import { configListen, configPublish } from './config-tasks.mjs';
import { onGrpcTask } from './grpc-tasks.mjs';
import { Histogram } from './histogram.mjs';
import { Target } from './http-client.mjs';
import { beatPath, INSTANCE_PORT as PORT, ipOf, loopbackIpOf, registerPath, serviceOf } from './instances.mjs';
import { runLanes } from './lanes.mjs';
import { beatOnSchedule, rateBeat } from './reference-tasks.mjs';
import { onSoakTask } from './soak-tasks.mjs';

let beatTask;

process.on('disconnect', () => process.exit(0)); // never outlive the orchestrator

process.on('message', (msg) => {
  if (msg.task === 'register') void register(msg).then(send, fail);
  else if (msg.task === 'list') void list(msg).then(send, fail);
  else if (msg.task === 'auth-beat') void authBeat(msg).then(send, fail);
  else if (msg.task === 'rate-beat') void rateBeat(msg).then(send, fail);
  else if (msg.task === 'cluster-register') void clusterRegister(msg).then(send, fail);
  else if (msg.task === 'cluster-beat') void clusterBeat(msg).then(send, fail);
  else if (msg.task === 'config-publish') void configPublish(msg).then(send, fail);
  else if (msg.task === 'config-listen') void configListen(msg).then(send, fail);
  else if (msg.task === 'beat') {
    beatTask = new BeatTask(msg);
    void beatTask.run().catch(fail);
  } else if (msg.task === 'window-start') beatTask?.resetWindow();
  else if (msg.task === 'report') send({ type: 'report', ...beatTask.report() });
  else if (msg.task === 'stop') beatTask?.stop();
  else if (msg.task?.startsWith('soak'))
    void Promise.resolve(msg)
      .then((m) => onSoakTask(m, send))
      .catch(fail);
  else if (msg.task?.startsWith('grpc-'))
    void Promise.resolve(msg)
      .then((m) => onGrpcTask(m, send))
      .catch(fail);
});

function send(message) {
  process.send(message);
}

function fail(error) {
  send({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
}

async function register({ port, from, to, services, lanes, maxMs, persistent = false, servicePrefix = '', probeTargetPort = 0, suffix = '', metadata = { bench: '1' } }) {
  const target = new Target(port, lanes);
  const hist = new Histogram();
  let next = from,
    ok = 0,
    failed = 0,
    firstError = null;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + maxMs, async () => {
    if (next >= to) return false;
    const i = next++;
    const t0 = performance.now();
    try {
      // Probe targets are loopback addresses the bench listens on; other instances get made-up addresses nobody dials.
      const address = probeTargetPort ? [loopbackIpOf(i), probeTargetPort] : [ipOf(i), PORT];
      const res = await target.request('POST', registerPath(servicePrefix + serviceOf(i, services), address[0], address[1], metadata, !persistent) + suffix, true);
      hist.recordMs(performance.now() - t0);
      if (res.status === 200 && res.body === 'ok') ok++;
      else {
        failed++;
        firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { type: 'done', ok, failed, firstError, startedAt, endedAt, hist: hist.toJSON() };
}

/** Registers each node's block of instances on that node, all nodes at once: `blocks[n]` = [from, to, port of node n]. */
async function clusterRegister({ blocks, ...task }) {
  const nodes = await Promise.all(blocks.map(([from, to, port]) => register({ ...task, port, from, to })));
  return { type: 'done', nodes };
}

/** Beats each node's block on that node, every instance once per `intervalMs` (as a client does), for `durationMs`. */
async function clusterBeat({ blocks, services, lanes, durationMs, intervalMs }) {
  const origin = performance.now();
  const nodes = await Promise.all(
    blocks.map(([from, to, port]) => {
      const paths = [];
      for (let i = from; i < to; i++) paths.push(beatPath(serviceOf(i, services), ipOf(i), PORT));
      return beatOnSchedule({ port, paths, offset: 0, lanes, durationMs, perSecond: (paths.length * 1000) / intervalMs, origin });
    }),
  );
  return { type: 'done', nodes };
}

async function list({ port, path, lanes, durationMs, maxRequests, minBytes }) {
  const target = new Target(port, lanes);
  const hist = new Histogram();
  let sent = 0,
    ok = 0,
    failed = 0,
    bytes = 0,
    firstError = null;
  const startedAt = Date.now();
  await runLanes(lanes, startedAt + durationMs, async () => {
    if (sent >= maxRequests) return false;
    sent++;
    const t0 = performance.now();
    try {
      // The answer was checked once in the setup; here only its status and size, so reading it costs no parsing.
      const res = await target.request('GET', path);
      hist.recordMs(performance.now() - t0);
      bytes += res.bytes;
      if (res.status === 200 && res.bytes >= minBytes) ok++;
      else {
        failed++;
        firstError ??= `HTTP ${res.status}, ${res.bytes} bytes (expected at least ${minBytes})`;
      }
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
    return true;
  });
  const endedAt = Date.now();
  target.close();
  return { type: 'done', ok, failed, firstError, startedAt, endedAt, bytes, hist: hist.toJSON() };
}

/**
 * Registers the instances [from, to) not registered yet, then keeps every one of them beating once per interval
 * (each on its own phase of the wheel). Beats take precedence over registrations on most lanes.
 */
class BeatTask {
  constructor({ port, from, to, preRegisteredBelow, services, lanes, intervalMs, maxMs }) {
    Object.assign(this, { port, from, to, services, lanes, intervalMs });
    this.deadline = Date.now() + maxMs;
    this.size = to - from;
    this.wheel = new BeatWheel(this.size, intervalMs, Date.now());
    this.lastSentAt = new Float64Array(this.size);
    this.nextRegistration = Math.max(from, Math.min(to, preRegisteredBelow));
    this.firstToRegister = this.nextRegistration;
    this.registrationsDone = 0;
    this.registrationFailures = 0;
    this.firstError = null;
    this.stopping = false;
    this.waiters = [];
    const now = Date.now();
    // Already registered (by the registration scenario): spread their first beats over one interval.
    for (let i = from; i < this.nextRegistration; i++) {
      this.wheel.add(i - from, now, i % this.wheel.slots);
      this.lastSentAt[i - from] = now;
    }
    this.paths = new Array(this.size);
    this.resetWindow();
  }

  resetWindow() {
    this.window = {
      startedAt: Date.now(),
      sent: 0,
      ok: 0,
      notFound: 0,
      failed: 0,
      latency: new Histogram(),
      lateness: new Histogram(),
      maxGapMs: 0,
      gapsOverTimeout: 0,
      skippedAtStart: this.wheel.skipped,
    };
  }

  report() {
    const w = this.window;
    return {
      startedAt: w.startedAt,
      endedAt: Date.now(),
      sent: w.sent,
      ok: w.ok,
      notFound: w.notFound,
      failed: w.failed,
      latency: w.latency.toJSON(),
      lateness: w.lateness.toJSON(),
      maxGapMs: w.maxGapMs,
      gapsOverTimeout: w.gapsOverTimeout,
      skipped: this.wheel.skipped - w.skippedAtStart,
      queued: this.wheel.length,
      registrationFailures: this.registrationFailures,
      firstError: this.firstError,
    };
  }

  stop() {
    this.stopping = true;
    this.wake();
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  async run() {
    const target = new Target(this.port, this.lanes);
    const ticker = setInterval(() => {
      if (this.wheel.advance(Date.now()) > 0) this.wake();
    }, BeatWheel.SLOT_MS);
    let announced = false;
    const announce = () => {
      if (announced || this.registrationsDone < this.to - this.firstToRegister) return;
      announced = true;
      send({ type: 'registered', at: Date.now(), failures: this.registrationFailures, firstError: this.firstError });
    };
    announce();
    await runLanes(this.lanes, this.deadline, async (lane) => {
      if (this.stopping) return false;
      // Every fourth lane registers first, so registration still progresses when beats alone saturate the server.
      if (lane % 4 === 0 && this.nextRegistration < this.to) {
        await this.register(target, this.nextRegistration++);
        announce();
        return true;
      }
      const due = this.wheel.take();
      if (due) {
        await this.beat(target, due[0], due[1]);
        return true;
      }
      if (this.nextRegistration < this.to) {
        await this.register(target, this.nextRegistration++);
        announce();
        return true;
      }
      await new Promise((resolve) => {
        this.waiters.push(resolve);
      });
      return true;
    });
    clearInterval(ticker);
    target.close();
    send({ type: 'stopped' });
  }

  path(local) {
    const i = this.from + local;
    return (this.paths[local] ??= beatPath(serviceOf(i, this.services), ipOf(i), PORT));
  }

  async register(target, i) {
    try {
      const res = await target.request('POST', registerPath(serviceOf(i, this.services), ipOf(i), PORT), true);
      if (res.status !== 200) {
        this.registrationFailures++;
        this.firstError ??= `register HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      this.registrationFailures++;
      this.firstError ??= `register: ${error}`;
    }
    const now = Date.now();
    this.registrationsDone++;
    this.lastSentAt[i - this.from] = now;
    this.wheel.add(i - this.from, now);
  }

  async beat(target, local, dueAt) {
    const w = this.window;
    const sentAt = Date.now();
    const gap = sentAt - this.lastSentAt[local];
    this.lastSentAt[local] = sentAt;
    if (gap > w.maxGapMs) w.maxGapMs = gap;
    if (gap > 15_000) w.gapsOverTimeout++;
    w.sent++;
    w.lateness.recordMs(Math.max(0, sentAt - dueAt));
    const t0 = performance.now();
    try {
      const res = await target.request('PUT', this.path(local), true);
      w.latency.recordMs(performance.now() - t0);
      if (res.status === 200 && res.body.includes('"code":10200')) w.ok++;
      else if (res.body.includes('"code":20404')) w.notFound++;
      else {
        w.failed++;
        this.firstError ??= `beat HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      w.failed++;
      this.firstError ??= `beat: ${error}`;
    }
  }
}
