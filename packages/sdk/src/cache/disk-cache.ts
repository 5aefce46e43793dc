import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceSnapshot } from '../types.js';

/**
 * The last known list of each service on disk, one JSON file per service and cluster filter, so a restarted
 * consumer can start while the registry is down. Writes are atomic (temp file, then rename) and serialized per
 * file, so a crash mid-write leaves the previous copy and a slow write never overwrites a newer one.
 */
export class DiskCache {
  private readonly dir: string;
  private readonly writes = new Map<string, Promise<void>>();

  constructor(cacheDir: string, namespace: string) {
    this.dir = join(cacheDir, 'naming', encodeURIComponent(namespace));
  }

  fileOf(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  async read(key: string): Promise<ServiceSnapshot | undefined> {
    try {
      const json = JSON.parse(await readFile(this.fileOf(key), 'utf8')) as ServiceSnapshot;
      return Array.isArray(json.instances) ? json : undefined;
    } catch {
      return undefined; // missing or unreadable: no cache, never a reason to fail
    }
  }

  /** Queues a write; the promise settles when this write is on disk (rejects on I/O errors). */
  write(key: string, snapshot: ServiceSnapshot): Promise<void> {
    const previous = this.writes.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeNow(key, snapshot));
    this.writes.set(key, next);
    void next
      .finally(() => {
        if (this.writes.get(key) === next) this.writes.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /** Waits for every queued write (used by close()). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }

  private async writeNow(key: string, snapshot: ServiceSnapshot): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(temp, JSON.stringify({ ...snapshot, fromCache: false }), { mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}
