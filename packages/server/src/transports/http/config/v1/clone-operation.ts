import { configKeyOf, invalidParam, publishBatch, type ConfigItem, type PublishConfig } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Params } from '../../params.js';
import { MAX_IDS } from '../config-ids.js';
import { configAuthorOf } from '../config-wire.js';
import { batchAnswer, ImportRefusedError, replyImportRefused } from '../transfer/import-answers.js';
import { policyOf, targetNamespaceOf } from '../transfer/import-target.js';

/** One item of a clone's body: the config to copy (`cfgId`) and, optionally, the dataId and group of the copy. */
interface CloneItem {
  readonly cfgId: number;
  readonly dataId?: string;
  readonly group?: string;
}

/**
 * `POST /v1/cs/configs?clone=true&tenant=<target>&policy=`, body `[{cfgId, dataId, group}]`: copies configs
 * (content, type, appName, desc and, as Nacos, encryptedDataKey) into the target namespace, under a new dataId or group when given, each through
 * the config center.
 */
export async function cloneConfigs(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, p: Params): Promise<unknown> {
  const policy = policyOf(p);
  const author = configAuthorOf(request, p, p.str('src_user'));
  const wanted = cloneItemsOf(request.body);
  try {
    const namespace = targetNamespaceOf(ctx, p, 'tenant');
    if (wanted.length === 0) throw new ImportRefusedError('NO_SELECTED_CONFIG', 'the body lists no config');
    const sources = new Map<number, ConfigItem>(ctx.config.withIds(wanted.map((w) => w.cfgId)).map((c) => [c.id, c]));
    const inputs: PublishConfig[] = wanted.flatMap((w) => {
      const from = sources.get(w.cfgId);
      if (!from) return [];
      return [{ key: configKeyOf(w.dataId ?? from.dataId, w.group ?? from.group, namespace), content: from.content, type: from.type, appName: from.appName, desc: from.desc, encryptedDataKey: from.encryptedDataKey }];
    });
    if (inputs.length === 0) throw new ImportRefusedError('DATA_EMPTY', `no config has any of the ids ${wanted.map((w) => w.cfgId).join(', ')}`);
    return batchAnswer('Clone Completed Successfully', publishBatch(ctx.config, inputs, policy, author));
  } catch (error) {
    if (error instanceof ImportRefusedError) return replyImportRefused(reply, error);
    throw error;
  }
}

/** The JSON body: a list of `{cfgId, dataId?, group?}`; nulls are dropped and a repeated cfgId counts once. */
function cloneItemsOf(body: unknown): CloneItem[] {
  if (!Array.isArray(body)) throw invalidParam('body', 'clone takes a JSON array body: [{"cfgId": …, "dataId": …, "group": …}]');
  if (body.length > MAX_IDS) throw invalidParam('body', `clone takes at most ${MAX_IDS} configs at once, got ${body.length}`);
  const seen = new Set<number>();
  const items: CloneItem[] = [];
  for (const raw of body) {
    if (raw === null) continue;
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam('body', 'each clone item must be an object {cfgId, dataId, group}');
    const r = raw as Record<string, unknown>;
    const id = typeof r.cfgId === 'number' ? r.cfgId : typeof r.cfgId === 'string' && /^\d{1,15}$/.test(r.cfgId.trim()) ? Number(r.cfgId) : Number.NaN;
    if (!Number.isSafeInteger(id) || id < 0) throw invalidParam('cfgId', `each clone item needs a config id 'cfgId', got ${JSON.stringify(r.cfgId ?? null)?.slice(0, 32)}`);
    if (seen.has(id)) continue;
    seen.add(id);
    items.push({ cfgId: id, dataId: textOf(r.dataId), group: textOf(r.group) });
  }
  return items;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
