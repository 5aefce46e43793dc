import type { ListAnswer, ServiceKey } from '../transport/naming-transport.js';
import type { ClientLogger, ClientStats, ServiceChange, ServiceSnapshot } from '../types.js';
import { DiskCache } from './disk-cache.js';
import { diffInstances, isEmptyDiff } from './diff.js';

export function cacheKey(k: Pick<ServiceKey, 'group' | 'service' | 'clusters'>): string {
  return `${k.group}@@${k.service}@@${k.clusters}`;
}

/**
 * The last known list of every service this client has read, in memory and optionally on disk. Every answer
 * (poll, push, direct read) goes through `accept`, which applies push-empty protection and says what changed.
 */
export class ServiceCache {
  private readonly memory = new Map<string, ServiceSnapshot>();
  private readonly disk: DiskCache | undefined;
  private protectionLogged = new Set<string>();

  constructor(
    namespace: string,
    cacheDir: string | undefined,
    private readonly pushEmptyProtection: boolean,
    private readonly stats: ClientStats,
    private readonly logger: ClientLogger,
  ) {
    this.disk = cacheDir ? new DiskCache(cacheDir, namespace) : undefined;
  }

  get(key: ServiceKey): ServiceSnapshot | undefined {
    return this.memory.get(cacheKey(key));
  }

  /** Memory first, then disk (loaded into memory, marked `fromCache`). */
  async load(key: ServiceKey): Promise<ServiceSnapshot | undefined> {
    const k = cacheKey(key);
    const hit = this.memory.get(k);
    if (hit || !this.disk) return hit;
    const stored = await this.disk.read(k);
    if (!stored || this.memory.has(k)) return this.memory.get(k);
    const snapshot: ServiceSnapshot = { ...stored, service: key.service, group: key.group, clusters: key.clusters, fromCache: true };
    this.memory.set(k, snapshot);
    return snapshot;
  }

  /**
   * Takes a fresh answer. Returns the list to use now, and the change to deliver if the list differs from the
   * previous one (or is the first). An empty answer keeps a non-empty list while push-empty protection is on.
   */
  accept(key: ServiceKey, answer: ListAnswer): { snapshot: ServiceSnapshot; change?: ServiceChange } {
    const k = cacheKey(key);
    const previous = this.memory.get(k);
    if (answer.instances.length === 0 && previous && previous.instances.length > 0 && this.pushEmptyProtection) {
      this.stats.emptyAnswersIgnored++;
      if (!this.protectionLogged.has(k)) {
        this.protectionLogged.add(k);
        this.logger.warn?.(`server answered no instances for ${k}; keeping the last ${previous.instances.length} (pushEmptyProtection)`, { service: key.service, group: key.group });
      }
      return { snapshot: previous };
    }
    this.protectionLogged.delete(k);
    const snapshot: ServiceSnapshot = {
      service: key.service,
      group: key.group,
      clusters: key.clusters,
      instances: answer.instances,
      cacheMillis: answer.cacheMillis,
      lastRefTime: answer.lastRefTime,
      reachProtectionThreshold: answer.reachProtectionThreshold,
      fromCache: false,
    };
    this.memory.set(k, snapshot);
    const diff = diffInstances(previous?.instances ?? [], snapshot.instances);
    const first = previous === undefined;
    if (!first && isEmptyDiff(diff) && previous.reachProtectionThreshold === snapshot.reachProtectionThreshold) {
      if (previous.fromCache) this.persist(k, snapshot);
      return { snapshot };
    }
    this.persist(k, snapshot);
    return { snapshot, change: { ...snapshot, ...diff } };
  }

  async flush(): Promise<void> {
    await this.disk?.flush();
  }

  private persist(k: string, snapshot: ServiceSnapshot): void {
    this.disk?.write(k, snapshot).catch((error: unknown) => {
      this.logger.warn?.(`could not write the disk cache for ${k}: ${(error as Error).message}`, { file: this.disk!.fileOf(k) });
    });
  }
}
