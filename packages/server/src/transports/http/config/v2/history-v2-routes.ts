import { configKeyOf, configKeyString, configNamespaceOf, historyNotFound, invalidParam, type ConfigHistoryRecord, type ConfigKey } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { readPage } from '../../paging.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { configBrief, historyInfo } from '../config-wire.js';

/** Nacos cuts a history page to 500 rather than refusing a larger `pageSize`. */
const MAX_PAGE_SIZE = 500;

/**
 * `/v2/cs/history`: the v1 history answers wrapped in `{code, message, data}` and addressed by `namespaceId`:
 * a config's history paged newest first, one record by `nid` (also `/detail`), the record before an `id`, and the
 * configs of a namespace.
 */
export function historyV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const store = ctx.configHistory;

  app.get('/v2/cs/history/list', async (request) => {
    const p = Params.from(request);
    const key = keyOf(p);
    const page = readPage(p, { defaults: { pageNo: 1, pageSize: 100 }, maxPageSize: MAX_PAGE_SIZE });
    const found = await store.historyOf(key, page.pageNo, page.pageSize);
    return v2Ok({ totalCount: found.total, pageNumber: page.pageNo, pagesAvailable: Math.ceil(found.total / page.pageSize), pageItems: found.items.map(historyInfo) });
  });

  for (const url of ['/v2/cs/history', '/v2/cs/history/detail']) {
    app.get(url, async (request) => {
      const p = Params.from(request);
      const key = keyOf(p);
      const nid = p.requiredInt('nid');
      const record = await store.historyById(nid);
      if (!record || !sameKey(record, key)) throw historyNotFound(String(nid));
      return v2Ok(historyInfo(record));
    });
  }

  app.get('/v2/cs/history/previous', async (request) => {
    const p = Params.from(request);
    const key = keyOf(p);
    const id = p.requiredInt('id');
    if (id < 1) throw invalidParam('id', `Param 'id' must be a history id, got '${id}'.`);
    const record = await store.previousHistory(id);
    if (!record || !sameKey(record, key)) throw historyNotFound(`before ${id}`);
    return v2Ok(historyInfo(record));
  });

  app.get('/v2/cs/history/configs', async (request) => {
    const p = Params.from(request);
    return v2Ok(ctx.config.listIn(configNamespaceOf(p.str('namespaceId'))).map(configBrief));
  });
}

function keyOf(p: Params): ConfigKey {
  return configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
}

function sameKey(record: ConfigHistoryRecord, key: ConfigKey): boolean {
  return configKeyString(record) === configKeyString(key);
}
