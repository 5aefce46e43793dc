import type { ConfigClientRequest } from '@cairn/core';
import type { FastifyRequest } from 'fastify';
import { originOf } from '../origin.js';
import type { Params } from '../params.js';
import { headerOf } from './config-wire.js';

/**
 * The config client a request comes from, as gray releases select by it and the live table of listeners and the
 * journal name it: its address (the socket peer, or what a trusted proxy says, see `--trusted-proxies`), agent
 * (`Client-Version`, else `User-Agent`; evidence only), the route it called, and its tag: the read's `tag`
 * parameter when `p` is given and has one, else the `Vipserver-Tag` header (Nacos's DefaultChainRequestExtractor).
 */
export function configClientOf(request: FastifyRequest, p?: Params): ConfigClientRequest {
  const { ip, agent, via } = originOf(request);
  const tag = (p?.str('tag') ?? headerOf(request, 'vipserver-tag'))?.slice(0, 64);
  return { ip, agent: agent ?? '', via, ...(tag === undefined ? {} : { tag }) };
}

/** A read that names its tag as a parameter is served nothing when no tag version matches (Nacos's 404). */
export function namesTag(p: Params): boolean {
  return p.str('tag') !== undefined;
}
