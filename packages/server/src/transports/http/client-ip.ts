import { canonicalIp } from '@cairn/core';
import type { FastifyInstance } from 'fastify';

/**
 * `X-Real-IP` (nginx's `proxy_set_header X-Real-IP $remote_addr`) from a trusted proxy: when the socket peer is
 * trusted and sent no `X-Forwarded-For`, its `X-Real-IP` becomes the one forwarded address, so `request.ip` (Fastify's
 * trustProxy walk over `X-Forwarded-For`) names the client. From an untrusted peer both headers are ignored.
 * `X-Forwarded-For` wins when both are sent, as in Nacos's WebUtils.getRemoteIp.
 */
export function installRealIp(app: FastifyInstance, trusted: (address: string) => boolean): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const headers = request.raw.headers;
    const realIp = headers['x-real-ip'];
    const value = Array.isArray(realIp) ? realIp[0] : realIp;
    if (headers['x-forwarded-for'] === undefined && value !== undefined && canonicalIp(value) !== undefined && trusted(request.raw.socket.remoteAddress ?? '')) {
      headers['x-forwarded-for'] = value.trim();
    }
    done();
  });
}
