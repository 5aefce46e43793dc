import { configKeyOf, configKeyString, historyNotFound, invalidParam, type ConfigHistoryRecord } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { pageParams } from '../../paging.js';
import { historyInfo } from '../config-wire.js';

const MAX_PAGE_SIZE = 500;

/** `/v1/cs/history`: a config's history paged newest first, one record by `nid`, and the record before an `id`. */
export function historyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const store = ctx.configHistory;

  app.get('/v1/cs/history', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    if (p.str('search') === 'accurate') {
      const page = pageParams(p, { pageNo: 1, pageSize: 100 });
      const pageSize = Math.min(page.pageSize, MAX_PAGE_SIZE);
      const found = await store.historyOf(key, page.pageNo, pageSize);
      return { totalCount: found.total, pageNumber: page.pageNo, pagesAvailable: Math.ceil(found.total / pageSize), pageItems: found.items.map(historyInfo) };
    }
    const nid = p.requiredInt('nid');
    const record = await store.historyById(nid);
    if (!record || !sameKey(record, key)) throw historyNotFound(String(nid));
    return historyInfo(record);
  });

  app.get('/v1/cs/history/previous', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    const id = p.requiredInt('id');
    if (id < 1) throw invalidParam('id', `Param 'id' must be a history id, got '${id}'.`);
    const record = await store.previousHistory(id);
    if (!record || !sameKey(record, key)) throw historyNotFound(`before ${id}`);
    return historyInfo(record);
  });
}

function sameKey(record: ConfigHistoryRecord, key: Parameters<typeof configKeyString>[0]): boolean {
  return configKeyString(record) === configKeyString(key);
}
