import { invalidParam, type ConfigKey, type ListenerPoll } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configClientOf } from '../config-client-of.js';
import { noCache } from '../config-wire.js';
import { encodeChangedKeys, parseListeningConfigs } from '../listening-configs.js';
import type { ListenKey } from '../long-polls.js';

/** Nacos's FIXED_DELAY_TIME: a held poll answers this long before the client's own timeout. */
const ANSWER_BEFORE_CLIENT_TIMEOUT_MS = 500;

/**
 * `POST /v1/cs/configs/listener`, the 1.x long poll (spec §6.3): answers at once with the keys whose md5 differs
 * from the md5 of the version the client would be served (`""` = it has no config), or when asked not to hang up;
 * otherwise holds the request for max(minimum hold, Long-Pulling-Timeout − 500 ms) and answers as soon as one of
 * its keys changes. Every poll goes through the table of config listeners, which puts what is news on the bus.
 */
export function listenerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, longPolls, options, configListeners } = ctx;
  // The bookkeeping of answered polls (live table, journal) runs after the answers have gone out, once per batch.
  const answeredPolls = new AnsweredPolls((a) => configListeners.pollAnswered(a.poll, a.keysChanged, a.md5Now));

  // The listener changes nothing stored: the durability hooks skip it (`readOnly`).
  app.post('/v1/cs/configs/listener', { config: { readOnly: true } }, async (request, reply) => {
    const p = Params.from(request);
    const keys = parseListeningConfigs(p.raw('Listening-Configs'));
    const client = configClientOf(request);
    const md5Now = (key: (typeof keys)[number]['key']) => config.md5For(key, client);
    const changed = keys.filter((k) => md5Now(k.key) !== k.md5);
    noCache(reply).type('text/plain;charset=UTF-8');
    const timeoutHeader = header(request.headers['long-pulling-timeout']);
    const noHangup = header(request.headers['long-pulling-timeout-no-hangup']) === 'true';
    if (timeoutHeader === undefined || changed.length > 0 || noHangup) {
      configListeners.pollAnswered(configListeners.pollArrived(client, keys, false), changed, md5Now);
      return encodeChangedKeys(changed);
    }
    if (!/^\d{1,10}$/.test(timeoutHeader)) throw invalidParam('Long-Pulling-Timeout', `Header 'Long-Pulling-Timeout' must be milliseconds, got '${timeoutHeader.slice(0, 32)}'.`);
    const holdMs = Math.max(options.configMinHoldMs, Number(timeoutHeader) - ANSWER_BEFORE_CLIENT_TIMEOUT_MS);
    if (longPolls.size >= options.configMaxHeldPolls) {
      // Nacos's answer to a breached connection limit; the client waits and polls again.
      return reply.code(503).send(`too many config listeners held (limit ${options.configMaxHeldPolls}, --config-max-held-polls); retry later`);
    }
    const poll = configListeners.pollArrived(client, keys, true);
    let answered = false;
    const drop = longPolls.hold(
      keys,
      holdMs,
      (keysChanged) => {
        answered = true;
        // Sent here, inside the publish's own turn: a publish answers thousands of held polls in one loop, and each
        // answer goes out as soon as its turn comes instead of after the whole loop has run.
        void reply.send(encodeChangedKeys(keysChanged));
        answeredPolls.push({ poll, keysChanged, md5Now });
      },
      client,
    );
    // A client that goes away releases its place at once.
    reply.raw.on('close', () => {
      if (answered) return;
      answered = true;
      drop();
      configListeners.pollDropped(poll);
    });
    // The answer is sent by the hold callback above (Fastify: an async handler that sends later returns `reply`).
    return reply;
  });
}

interface AnsweredPoll {
  readonly poll: ListenerPoll;
  readonly keysChanged: readonly ListenKey[];
  readonly md5Now: (key: ConfigKey) => string;
}

/** Answered polls waiting for their bookkeeping, flushed on the next turn of the event loop. */
class AnsweredPolls {
  private pending: AnsweredPoll[] = [];

  constructor(private readonly record: (a: AnsweredPoll) => void) {}

  push(a: AnsweredPoll): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(a);
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    for (const a of batch) this.record(a);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
