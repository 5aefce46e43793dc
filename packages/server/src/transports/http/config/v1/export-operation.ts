import { configNamespaceOf, wildcard } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Params } from '../../params.js';
import { idsOf } from '../config-ids.js';
import { layoutV1, layoutV2 } from '../transfer/archive-layout.js';
import { writeZip } from '../transfer/zip-writer.js';

/**
 * `GET /v1/cs/configs?exportV2=true` (or `export=true`, Nacos's older layout): a zip of the configs chosen by
 * `ids` (in any namespace), else by `tenant` with `dataId` (`*` wildcards), `group` and `appName` when given.
 */
export async function exportConfigs(ctx: AppContext, _request: FastifyRequest, reply: FastifyReply, p: Params, layout: 'v1' | 'v2'): Promise<Buffer> {
  const ids = idsOf(p);
  let items = ids.length > 0 ? ctx.config.withIds(ids) : ctx.config.search({ mode: 'accurate', namespace: configNamespaceOf(p.str('tenant')), group: p.str('group'), appName: p.str('appName') });
  if (ids.length === 0 && p.str('dataId') !== undefined) {
    const matches = wildcard(p.str('dataId'));
    items = items.filter((c) => matches(c.dataId));
  }
  const zip = await writeZip(layout === 'v2' ? layoutV2(items) : layoutV1(items));
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  void reply.type('application/zip').header('Content-Disposition', `attachment;filename=nacos_config_export_${stamp}.zip`);
  return zip;
}
