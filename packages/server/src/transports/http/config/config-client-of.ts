import type { ConfigClientRequest } from '@cairn/core';
import type { FastifyRequest } from 'fastify';
import { originOf } from '../origin.js';
import { headerOf } from './config-wire.js';

/**
 * The config client a request comes from, as the live table of listeners and the journal name it: its address,
 * agent (`Client-Version`, else `User-Agent`; evidence only), the route it called and its `Vipserver-Tag`.
 */
export function configClientOf(request: FastifyRequest): ConfigClientRequest {
  const { ip, agent, via } = originOf(request);
  const tag = headerOf(request, 'vipserver-tag')?.slice(0, 64);
  return { ip, agent: agent ?? '', via, ...(tag === undefined ? {} : { tag }) };
}
