// The load-generator side of the soak scenario (see bench/scenarios/soak.mjs): one process's share of a steady mix of
// traffic, paced at fixed rates for the whole run. Tasks: 'soak' (set up, answer 'soak-ready', then run),
// 'soak-report' (cumulative counters) and 'soak-stop' (answer 'soak-stopped' once everything is closed).
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { gunzipSync } from 'node:zlib';
import { BeatWheel } from './beat-wheel.mjs';
import { CONFIG_GROUP, getPath, listenPath, publishPath } from './config-tasks.mjs';
import { GrpcClientConnection } from './grpc-client.mjs';
import { sourceAddress, subscribeRequest } from './grpc-tasks.mjs';
import { Target } from './http-client.mjs';
import { beatPath, deregisterPath, INSTANCE_PORT as PORT, ipOf, listPath, registerPath } from './instances.mjs';

/** The kinds of request counted per sample; each has ok and failed counts. */
export const SOAK_KINDS = ['beat', 'register', 'deregister', 'list', 'udpSubscribe', 'udpPush', 'grpcPush', 'configGet', 'configPublish', 'configDelete', 'configNotify'];

/** Churned instances get addresses from 10.64.0.0 up, apart from the beating fleet's. */
const CHURN_BASE = 1 << 22;
const TICK_MS = 100;
const HOLD_MS = 30_000;

export const soakService = (k) => `soak-svc-${k}`;
const md5 = (text) => createHash('md5').update(text, 'utf8').digest('hex');

let task = null;

export function onSoakTask(msg, send) {
  if (msg.task === 'soak') {
    task = new SoakTask(msg);
    return task.start().then(() => send({ type: 'soak-ready' }));
  }
  if (msg.task === 'soak-report') return send({ type: 'soak-report', ...task.report() });
  if (msg.task === 'soak-stop') return task.stop().then(() => send({ type: 'soak-stopped', ...task.report() }));
  throw new Error(`unknown task ${msg.task}`);
}

/**
 * One process's traffic. `instances` [from, to) are registered at the start and beat every `intervalMs`; every other
 * kind runs at its own rate per second, at most `maxInFlight` requests of a kind at once: a kind that falls behind
 * shows as `behind` (requests not sent on time) rather than as a growing queue.
 */
class SoakTask {
  constructor(m) {
    Object.assign(this, m);
    this.target = new Target(m.port, m.lanes);
    this.counts = Object.fromEntries(SOAK_KINDS.map((k) => [k, { ok: 0, failed: 0 }]));
    this.firstErrors = {};
    this.behind = 0;
    this.inFlight = {};
    this.timers = [];
    this.stopping = false;
    this.churnNext = 0;
    this.churned = []; // [n, service, registeredAt], oldest first
    this.configVersions = new Array(m.configs).fill(0);
    this.newConfigs = []; // [dataId, publishedAt], oldest first
    this.newConfigNext = 0;
    this.publishNext = 0;
    this.udpNext = 0;
    this.grpc = [];
    this.polls = [];
  }

  ok(kind) {
    this.counts[kind].ok++;
  }

  fail(kind, error) {
    if (this.stopping) return;
    this.counts[kind].failed++;
    this.firstErrors[kind] ??= String(error).slice(0, 300);
  }

  /** One request of `kind`; `check(res)` says whether the answer is the expected one. */
  async call(kind, method, path, check, target = this.target, timeoutMs = 10_000, headers = '') {
    try {
      const res = await target.request(method, path, true, timeoutMs, headers);
      if (check(res)) {
        this.ok(kind);
        return res;
      }
      this.fail(kind, `HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    } catch (error) {
      this.fail(kind, error);
    }
    return undefined;
  }

  async start() {
    const okBody = (res) => res.status === 200 && res.body === 'ok';
    // The beating fleet and the configs first, as fast as the lanes allow.
    const jobs = [];
    for (let i = this.from; i < this.to; i++) jobs.push(() => this.call('register', 'POST', registerPath(soakService(i % this.services), ipOf(i), PORT), okBody));
    for (let k = 0; k < this.configs; k++) jobs.push(() => this.publish(this.configId(k), 0));
    let next = 0;
    await Promise.all(
      Array.from({ length: this.lanes }, async () => {
        while (next < jobs.length) await jobs[next++]();
      }),
    );
    this.udp = await this.openUdp();
    for (let g = 0; g < this.grpcSubscribers; g++) {
      const conn = await new GrpcClientConnection(this.grpcPort, sourceAddress(this.index * this.grpcSubscribers + g, 8)).open();
      this.grpc.push(conn);
      const answer = await conn.request('SubscribeServiceRequest', subscribeRequest(soakService((this.index * this.grpcSubscribers + g) % this.churnServices)));
      if (answer.type !== 'SubscribeServiceResponse') throw new Error(`SubscribeServiceRequest answered ${answer.type}`);
    }
    this.listenTarget = new Target(this.port, this.listeners);
    for (let j = 0; j < this.listeners; j++) this.polls.push(this.listen(j % this.configs));
    this.startBeats();
    this.every(this.churnPerSecond, 'churn', () => this.churn());
    this.every(this.listPerSecond, 'list', () => this.call('list', 'GET', listPath(soakService(Math.floor(Math.random() * this.services))), (r) => r.status === 200 && r.body.includes('"hosts"')));
    this.every(this.udpServices / this.udpRefreshSeconds, 'udp', () => this.udpSubscribe());
    this.every(this.configGetsPerSecond, 'get', () => {
      const k = Math.floor(Math.random() * this.configs);
      return this.call('configGet', 'GET', getPath(this.configId(k)), (r) => r.status === 200 && r.body.startsWith(`soak.config=${k}`));
    });
    this.every(this.configPublishesPerSecond, 'publish', () => this.publishOne());
  }

  configId(k) {
    return `soak-cfg-${this.index}-${k}`;
  }

  configContent(k, version) {
    return `soak.config=${k}\nsoak.version=${version}\nsoak.owner=cairn`;
  }

  publish(dataId, version, k = Number(dataId.slice(dataId.lastIndexOf('-') + 1))) {
    return this.call('configPublish', 'POST', publishPath(dataId, this.configContent(k, version)), (r) => r.status === 200 && r.body.trim() === 'true');
  }

  /** Three publishes in four are new versions of the process's configs (history grows), one a new config, deleted a minute later. */
  publishOne() {
    const now = Date.now();
    while (this.newConfigs.length > 0 && now - this.newConfigs[0][1] >= this.newConfigLifetimeMs) {
      const [dataId] = this.newConfigs.shift();
      void this.call('configDelete', 'DELETE', `/nacos/v1/cs/configs?dataId=${encodeURIComponent(dataId)}&group=${CONFIG_GROUP}`, (r) => r.status === 200 && r.body.trim() === 'true');
    }
    const n = this.publishNext++;
    if (n % 4 === 3) {
      const dataId = `soak-new-cfg-${this.index}-${this.newConfigNext++}`;
      this.newConfigs.push([dataId, now]);
      return this.publish(dataId, 0);
    }
    const k = n % this.configs;
    return this.publish(this.configId(k), ++this.configVersions[k]);
  }

  /** A held long poll on config k, as a 1.x client keeps it: re-polled at once, and after a change the config is read again. */
  async listen(k) {
    const dataId = this.configId(k);
    let current = md5(this.configContent(k, 0));
    while (!this.stopping) {
      try {
        const res = await this.listenTarget.request('POST', listenPath(dataId, current), true, HOLD_MS + 10_000, `Long-Pulling-Timeout: ${HOLD_MS}\r\n`);
        if (res.status !== 200) {
          this.fail('configNotify', `HTTP ${res.status}: ${res.body.slice(0, 200)}`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        if (!decodeURIComponent(res.body).includes(dataId)) continue; // held for the whole timeout, nothing changed
        this.ok('configNotify');
        const got = await this.call('configGet', 'GET', getPath(dataId), (r) => r.status === 200);
        if (got) current = md5(got.body);
      } catch (error) {
        this.fail('configNotify', error);
      }
    }
  }

  /** Calls `fn` `perSecond` times a second, paced in 100 ms ticks, with at most `maxInFlight` calls pending. */
  every(perSecond, name, fn) {
    if (perSecond <= 0) return;
    let credit = 0;
    this.inFlight[name] = 0;
    const timer = setInterval(() => {
      credit = Math.min(credit + (perSecond * TICK_MS) / 1000, Math.max(1, perSecond));
      while (credit >= 1 && !this.stopping) {
        if (this.inFlight[name] >= this.maxInFlight) {
          this.behind += Math.floor(credit);
          credit -= Math.floor(credit);
          break;
        }
        credit--;
        this.inFlight[name]++;
        void Promise.resolve(fn()).finally(() => this.inFlight[name]--);
      }
    }, TICK_MS);
    this.timers.push(timer);
  }

  startBeats() {
    const size = this.to - this.from;
    const wheel = new BeatWheel(size, this.intervalMs, Date.now());
    const now = Date.now();
    for (let local = 0; local < size; local++) wheel.add(local, now, local % wheel.slots);
    this.wheel = wheel;
    this.inFlight.beat = 0;
    const paths = new Array(size);
    const pump = () => {
      while (!this.stopping && this.inFlight.beat < this.maxInFlight) {
        const due = wheel.take();
        if (!due) return;
        const i = this.from + due[0];
        this.inFlight.beat++;
        const path = (paths[due[0]] ??= beatPath(soakService(i % this.services), ipOf(i), PORT));
        void this.call('beat', 'PUT', path, (r) => r.status === 200 && r.body.includes('"code":10200')).finally(() => {
          this.inFlight.beat--;
          pump();
        });
      }
    };
    this.timers.push(
      setInterval(() => {
        if (wheel.advance(Date.now()) > 0) pump();
      }, BeatWheel.SLOT_MS),
    );
  }

  /**
   * One registration, and the deregistration of every churned instance older than `churnLifetimeMs`. Even instances
   * join the first `churnServices` services (which the UDP and gRPC subscribers watch, so each change is pushed);
   * odd ones fill new services `churnPerService` at a time, which empty when those leave and are then never used again.
   */
  churn() {
    const now = Date.now();
    const okBody = (res) => res.status === 200 && res.body === 'ok';
    while (this.churned.length > 0 && now - this.churned[0][2] >= this.churnLifetimeMs) {
      const [n, service] = this.churned.shift();
      void this.call('deregister', 'DELETE', deregisterPath(service, ipOf(CHURN_BASE + n), PORT), okBody);
    }
    const n = this.churnNext++ * this.workers + this.index;
    const service = n % 2 === 0 ? soakService((n / 2) % this.churnServices) : `soak-new-${Math.floor(n / (2 * this.churnPerService))}`;
    this.churned.push([n, service, now]);
    return this.call('register', 'POST', registerPath(service, ipOf(CHURN_BASE + n), PORT), okBody);
  }

  /** A UDP socket on 127.0.0.1 that acks every push as the Nacos client does: `{type:'push-ack', lastRefTime, data:''}` back to the sender. */
  openUdp() {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (raw, from) => {
      try {
        const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
        const push = JSON.parse(text);
        if (push.type !== 'dom' && push.type !== 'service') throw new Error(`push of type ${push.type}`);
        socket.send(JSON.stringify({ type: 'push-ack', lastRefTime: push.lastRefTime, data: '' }), from.port, from.address);
        this.ok('udpPush');
      } catch (error) {
        this.fail('udpPush', error);
      }
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(socket));
    });
  }

  /** The list query a 1.x client repeats for each service it subscribes to, here with its UDP port. */
  udpSubscribe() {
    const k = this.udpNext++ % this.udpServices;
    const path = `${listPath(soakService(k % this.churnServices))}&udpPort=${this.udp.address().port}&clientIP=127.0.0.1`;
    return this.call('udpSubscribe', 'GET', path, (r) => r.status === 200 && r.body.includes('"hosts"'));
  }

  report() {
    const grpcPushes = this.grpc.reduce((a, c) => a + c.notifies, 0);
    this.counts.grpcPush.ok = grpcPushes;
    const closed = this.stopping ? [] : this.grpc.filter((c) => c.closed);
    return {
      counts: this.counts,
      firstErrors: this.firstErrors,
      behind: this.behind,
      beatsSkipped: this.wheel?.skipped ?? 0,
      grpcClosed: this.stopping ? this.grpcClosedBeforeStop : closed.length,
      grpcCloseReason: closed[0]?.closeReason ?? null,
      churnHeld: this.churned.length,
      newConfigsHeld: this.newConfigs.length,
    };
  }

  async stop() {
    this.grpcClosedBeforeStop = this.grpc.filter((c) => c.closed).length;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.listenTarget?.close();
    for (const c of this.grpc) c.close();
    this.udp?.close();
    this.target.close();
  }
}
