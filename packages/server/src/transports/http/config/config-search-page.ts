import { configNamespaceOf, invalidParam, namespaceToTenant, type ConfigCenter, type ConfigItem, type ConfigSearch } from '@cairn/core';
import type { Params } from '../params.js';
import { pageOf, readPage } from '../paging.js';

/** Larger `pageSize`s are cut to this (as the history pages are): a page holds whole contents. */
export const MAX_SEARCH_PAGE_SIZE = 500;

/**
 * A config search from the wire (`search`, `dataId`, `group`, `tenant`, `appName`, `config_tags`, blur's `types`;
 * `contentParam` names the content pattern where an endpoint has one). Blank parameters match anything.
 */
export function configSearchOf(p: Params, mode: string | undefined, contentParam?: string): ConfigSearch {
  if (mode !== 'accurate' && mode !== 'blur') throw invalidParam('search', `Param 'search' must be accurate or blur, got '${String(mode).slice(0, 32)}'.`);
  return {
    mode,
    namespace: configNamespaceOf(p.str('tenant')),
    dataId: p.str('dataId'),
    group: p.str('group'),
    appName: p.str('appName'),
    tags: listOf(p.str('config_tags')),
    types: mode === 'blur' ? listOf(p.str('types')) : undefined,
    content: contentParam ? p.raw(contentParam) : undefined,
  };
}

/** Nacos's Page of ConfigInfo for one page of a search: `pageNo` 1 and `pageSize` 100 when absent. */
export function configSearchPage(center: ConfigCenter, search: ConfigSearch, p: Params): Record<string, unknown> {
  const page = readPage(p, { defaults: { pageNo: 1, pageSize: 100 }, maxPageSize: MAX_SEARCH_PAGE_SIZE });
  const found = center.search(search);
  return { totalCount: found.length, pageNumber: page.pageNo, pagesAvailable: Math.ceil(found.length / page.pageSize), pageItems: pageOf(found, page).map(configInfo) };
}

/** Nacos's ConfigInfo, as search pages list it (with content). */
export function configInfo(c: ConfigItem): Record<string, unknown> {
  return { id: String(c.id), dataId: c.dataId, group: c.group, content: c.content, md5: c.md5, encryptedDataKey: c.encryptedDataKey, tenant: namespaceToTenant(c.namespace), appName: c.appName, type: c.type };
}

function listOf(raw: string | undefined): string[] | undefined {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}
