import { invalidParam } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { noCache } from '../config-wire.js';
import { ListenerJournal } from '../listener-journal.js';
import { encodeChangedKeys, parseListeningConfigs } from '../listening-configs.js';
import type { ListenKey } from '../long-polls.js';

/** Nacos's FIXED_DELAY_TIME: a held poll answers this long before the client's own timeout. */
const ANSWER_BEFORE_CLIENT_TIMEOUT_MS = 500;

/**
 * `POST /v1/cs/configs/listener`, the 1.x long poll (spec §6.3): answers at once with the keys whose md5 differs
 * from the client's (`""` = the client has no config), or when asked not to hang up; otherwise holds the request
 * for max(minimum hold, Long-Pulling-Timeout − 500 ms) and answers as soon as one of its keys changes.
 */
export function listenerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, longPolls, options } = ctx;
  const listeners = new ListenerJournal(
    ctx.journal,
    () => ctx.registry.now(),
    (cause) => ctx.metrics.countJournalEvent(cause),
  );

  // The listener changes nothing stored: the durability hooks skip it (`readOnly`).
  app.post('/v1/cs/configs/listener', { config: { readOnly: true } }, async (request, reply) => {
    const p = Params.from(request);
    const keys = parseListeningConfigs(p.raw('Listening-Configs'));
    // Each key is compared with the version THIS client is served (gray aware: its IP and Vipserver-Tag).
    const tag = header(request.headers['vipserver-tag']);
    const client = tag === undefined ? { ip: request.ip } : { ip: request.ip, tag };
    const md5Of = (k: ListenKey) => config.md5For(k.key, client);
    const changed = keys.filter((k) => md5Of(k) !== k.md5);
    noCache(reply).type('text/plain;charset=UTF-8');
    const timeoutHeader = header(request.headers['long-pulling-timeout']);
    const noHangup = header(request.headers['long-pulling-timeout-no-hangup']) === 'true';
    const from = request.ip;
    const agent = (header(request.headers['user-agent']) ?? '').slice(0, 128);
    if (timeoutHeader === undefined || changed.length > 0 || noHangup) {
      listeners.notified(from, agent, changed, 0, md5Of);
      return encodeChangedKeys(changed);
    }
    if (!/^\d{1,10}$/.test(timeoutHeader)) throw invalidParam('Long-Pulling-Timeout', `Header 'Long-Pulling-Timeout' must be milliseconds, got '${timeoutHeader.slice(0, 32)}'.`);
    const holdMs = Math.max(options.configMinHoldMs, Number(timeoutHeader) - ANSWER_BEFORE_CLIENT_TIMEOUT_MS);
    if (longPolls.size >= options.configMaxHeldPolls) {
      // Nacos's answer to a breached connection limit; the client waits and polls again.
      return reply.code(503).send(`too many config listeners held (limit ${options.configMaxHeldPolls}, --config-max-held-polls); retry later`);
    }
    listeners.held(from, agent, keys);
    const heldAt = ctx.registry.now();
    return new Promise<string>((resolve) => {
      const drop = longPolls.hold(
        keys,
        holdMs,
        (keysChanged) => {
          listeners.notified(from, agent, keysChanged, ctx.registry.now() - heldAt, md5Of);
          resolve(encodeChangedKeys(keysChanged));
        },
        client,
      );
      // A client that goes away releases its place at once.
      reply.raw.on('close', drop);
    });
  });
}

function header(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
