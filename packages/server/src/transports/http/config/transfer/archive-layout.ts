import type { ConfigItem } from '@cairn/core';
import { parse, stringify } from 'yaml';
import { ImportRefusedError } from './import-answers.js';
import type { ZipText } from './zip-reader.js';

/** Nacos's metadata file names: `exportV2` writes `.metadata.yml` (YAML), `export` writes `.meta.yml` (lines). */
export const METADATA_V2 = '.metadata.yml';
export const METADATA_V1 = '.meta.yml';

/** A config as an export zip carries it: the entry `group/dataId` and what the metadata says of it. */
export interface ArchivedConfig {
  readonly group: string;
  readonly dataId: string;
  readonly content: string;
  readonly type?: string;
  readonly appName?: string;
  readonly desc?: string;
}

/** What an import zip holds: its configs, and the entries it could not place (Nacos's `unrecognizedData`). */
export interface ArchiveContents {
  readonly configs: ArchivedConfig[];
  readonly unrecognized: string[];
}

/**
 * Nacos's `exportV2` layout: one entry `group/dataId` per config and `.metadata.yml` listing `metadata:` items
 * with `appName`, `dataId`, `desc`, `group`, `type` (keys sorted and empty ones left out, as SnakeYAML dumps
 * Nacos's bean).
 */
export function layoutV2(items: readonly ConfigItem[]): ZipText[] {
  const metadata = items.map((c) => ({ ...(c.appName ? { appName: c.appName } : {}), dataId: c.dataId, ...(c.desc ? { desc: c.desc } : {}), group: c.group, type: c.type }));
  return [...items.map(entryOf), { name: METADATA_V2, text: stringify({ metadata }, { indentSeq: false }) }];
}

/** Nacos's older `export` layout: the same entries, and `.meta.yml` lines `group.dataId~ext.app=appName` when any config has an appName. */
export function layoutV1(items: readonly ConfigItem[]): ZipText[] {
  const lines = items.filter((c) => c.appName !== '').map((c) => `${v1MetaKey(c.group, c.dataId)}=${c.appName}\r\n`);
  return [...items.map(entryOf), ...(lines.length > 0 ? [{ name: METADATA_V1, text: lines.join('') }] : [])];
}

/** Reads either layout, as Nacos does: the first metadata file found decides which. */
export function readArchive(files: readonly ZipText[]): ArchiveContents {
  const meta = files.find((f) => f.name === METADATA_V2 || f.name === METADATA_V1);
  const entries = files.filter((f) => f !== meta);
  return meta?.name === METADATA_V2 ? readV2(meta.text, entries) : readV1(meta?.text, entries);
}

function readV2(metaText: string, entries: readonly ZipText[]): ArchiveContents {
  const items = metadataItems(metaText);
  const byKey = new Map<string, string>();
  const unrecognized: string[] = [];
  const listed = new Set(items.map((i) => `${i.group}/${i.dataId}`));
  for (const e of entries) {
    if (!splitEntry(e.name)) unrecognized.push(e.name);
    else if (!listed.has(e.name)) unrecognized.push(`not in the metadata: ${e.name}`);
    else byKey.set(e.name, e.text);
  }
  const configs: ArchivedConfig[] = [];
  for (const i of items) {
    const content = byKey.get(`${i.group}/${i.dataId}`);
    if (content === undefined) unrecognized.push(`not in the zip: ${i.group}/${i.dataId}`);
    else configs.push({ ...i, content });
  }
  return { configs, unrecognized };
}

/** `.metadata.yml`: a `metadata` list whose items all name dataId, group and type (Nacos's METADATA_ILLEGAL otherwise). */
function metadataItems(text: string): Array<{ dataId: string; group: string; type: string; appName?: string; desc?: string }> {
  let doc: unknown;
  try {
    // The failsafe schema reads every scalar as a string, as Nacos's SnakeYAML node walk does (`1.0` stays `1.0`).
    doc = parse(text, { schema: 'failsafe', maxAliasCount: 100 });
  } catch (error) {
    throw new ImportRefusedError('METADATA_ILLEGAL', `${METADATA_V2} is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { metadata?: unknown } | null)?.metadata;
  if (!Array.isArray(list) || list.length === 0) throw new ImportRefusedError('METADATA_ILLEGAL', `${METADATA_V2} has no 'metadata' list of configs`);
  return list.map((raw, n) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    const text = (k: string) => (typeof item[k] === 'string' ? (item[k] as string).trim() : '');
    if (text('dataId') === '' || text('group') === '' || text('type') === '') {
      throw new ImportRefusedError('METADATA_ILLEGAL', `${METADATA_V2}: metadata item ${n + 1} lacks dataId, group or type`);
    }
    return { dataId: text('dataId'), group: text('group'), type: text('type'), appName: text('appName') || undefined, desc: typeof item.desc === 'string' ? item.desc : undefined };
  });
}

function readV1(metaText: string | undefined, entries: readonly ZipText[]): ArchiveContents {
  const apps = new Map<string, string>();
  for (const line of (metaText ?? '').split(/[\r\n]+/).filter((l) => l !== '')) {
    const parts = line.split('=');
    if (parts.length !== 2) throw new ImportRefusedError('METADATA_ILLEGAL', `${METADATA_V1}: '${line.slice(0, 80)}' is not key=value`);
    apps.set(parts[0], parts[1]);
  }
  const configs: ArchivedConfig[] = [];
  const unrecognized: string[] = [];
  for (const e of entries) {
    const key = splitEntry(e.name);
    if (!key) unrecognized.push(e.name);
    else configs.push({ ...key, content: e.text, appName: apps.get(`${v1MetaKey(key.group, key.dataId)}`) });
  }
  return { configs, unrecognized };
}

function entryOf(c: ConfigItem): ZipText {
  return { name: `${c.group}/${c.dataId}`, text: c.content };
}

/** `group/dataId`, exactly two parts (Nacos leaves any other entry unrecognized). */
function splitEntry(name: string): { group: string; dataId: string } | undefined {
  const parts = name.split('/');
  return parts.length === 2 ? { group: parts[0], dataId: parts[1] } : undefined;
}

/** `.meta.yml`'s key: the last `.` of the dataId becomes `~`, then `.app`. */
function v1MetaKey(group: string, dataId: string): string {
  const dot = dataId.lastIndexOf('.');
  const id = dot < 0 ? dataId : `${dataId.slice(0, dot)}~${dataId.slice(dot + 1)}`;
  return `${group}.${id}.app`;
}
