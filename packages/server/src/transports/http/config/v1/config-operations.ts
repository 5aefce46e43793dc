import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Params } from '../../params.js';
import { idsOf } from '../config-ids.js';
import { configSearchOf, configSearchPage } from '../config-search-page.js';
import { configAuthorOf } from '../config-wire.js';
import { cloneConfigs } from './clone-operation.js';
import { exportConfigs } from './export-operation.js';
import { importConfigs } from './import-operation.js';

/** One of `/v1/cs/configs`'s operations that Nacos selects by a parameter (`search=`, `export=true`, …). */
export type ConfigOperation = (request: FastifyRequest, reply: FastifyReply, p: Params) => Promise<unknown>;

export interface ConfigOperations {
  get(p: Params): ConfigOperation | undefined;
  post(p: Params): ConfigOperation | undefined;
  delete(p: Params): ConfigOperation | undefined;
}

/**
 * Nacos maps these on the same path as the plain read, publish and delete, told apart by a parameter
 * (`@GetMapping(params = "search=blur")`): search (`search=accurate|blur`), export (`exportV2=true`,
 * `export=true`), import (`import=true`), clone (`clone=true`) and delete by ids (`delType=ids`).
 */
export function configOperations(ctx: AppContext): ConfigOperations {
  const search: ConfigOperation = async (_request, _reply, p) => configSearchPage(ctx.config, configSearchOf(p, p.str('search')), p);
  const deleteIds: ConfigOperation = async (request, _reply, p) => {
    const author = configAuthorOf(request, p, p.str('src_user'));
    for (const c of ctx.config.withIds(idsOf(p))) ctx.config.remove(c, author);
    return { code: 200, message: null, data: true };
  };
  return {
    get: (p) => {
      if (p.str('search') !== undefined) return search;
      if (p.str('exportV2') === 'true') return (request, reply, q) => exportConfigs(ctx, request, reply, q, 'v2');
      if (p.str('export') === 'true') return (request, reply, q) => exportConfigs(ctx, request, reply, q, 'v1');
      return undefined;
    },
    post: (p) => {
      if (p.str('import') === 'true') return (request, reply, q) => importConfigs(ctx, request, reply, q);
      if (p.str('clone') === 'true') return (request, reply, q) => cloneConfigs(ctx, request, reply, q);
      return undefined;
    },
    delete: (p) => (p.str('delType') === 'ids' ? deleteIds : undefined),
  };
}
