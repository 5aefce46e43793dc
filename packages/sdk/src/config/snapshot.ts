import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SnapshotEntry {
  content: string;
  md5: string;
  type: string;
}

/**
 * The last content read of each config, one JSON file per config under `<dir>/config/<tenant>/<group>/`, so an
 * application restarted during an outage still starts with its configuration. Writes are atomic (temp file, then
 * rename); a missing or unreadable file is no snapshot, never a failure.
 */
export class ConfigSnapshot {
  constructor(private readonly dir: string) {}

  fileOf(tenant: string, group: string, dataId: string): string {
    return join(this.dir, 'config', name(tenant === '' ? 'public' : tenant), name(group), `${name(dataId)}.json`);
  }

  async read(tenant: string, group: string, dataId: string): Promise<SnapshotEntry | undefined> {
    try {
      const json = JSON.parse(await readFile(this.fileOf(tenant, group, dataId), 'utf8')) as SnapshotEntry;
      return typeof json.content === 'string' && typeof json.md5 === 'string' ? json : undefined;
    } catch {
      return undefined;
    }
  }

  async write(tenant: string, group: string, dataId: string, entry: SnapshotEntry): Promise<void> {
    const file = this.fileOf(tenant, group, dataId);
    await mkdir(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** The server said the config does not exist: an old snapshot must not resurrect it in the next outage. */
  async remove(tenant: string, group: string, dataId: string): Promise<void> {
    await unlink(this.fileOf(tenant, group, dataId)).catch(() => undefined);
  }
}

// ':' is legal in a dataId but not in a Windows file name.
function name(part: string): string {
  return encodeURIComponent(part).replace(/[:*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
