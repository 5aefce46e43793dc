import { DomainError, invalidParam } from '../errors.js';
import type { Clock } from '../time/clock.js';
import { DEFAULT_NAMESPACE } from './names.js';
import { validateNamespaceId } from './validation.js';

export interface Namespace {
  id: string;
  name: string;
  description: string;
  createdAt: number;
}

const SHOW_NAME = /^[^@#$%^&*]{1,256}$/;

/**
 * The known namespaces. `public` always exists. Like Nacos, naming calls into an id that was never created still
 * work (the namespace exists implicitly); the console and the diagnosis point such ids out.
 */
export class Namespaces {
  private readonly byId = new Map<string, Namespace>();
  private readonly listeners: ((ns: Namespace, removed: boolean) => void)[] = [];

  constructor(private readonly clock: Clock) {
    this.byId.set(DEFAULT_NAMESPACE, { id: DEFAULT_NAMESPACE, name: 'public', description: 'Default Namespace', createdAt: 0 });
  }

  /** Storage listens here to keep namespaces across restarts. */
  onChange(listener: (ns: Namespace, removed: boolean) => void): void {
    this.listeners.push(listener);
  }

  list(): Namespace[] {
    return [...this.byId.values()];
  }

  get(id: string): Namespace | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  create(id: string, name: string, description = ''): Namespace {
    validateNamespaceId(id, 'customNamespaceId');
    if (!SHOW_NAME.test(name)) throw invalidParam('namespaceName', `Param 'namespaceName' must be 1-256 characters without @#$%^&*.`);
    if (this.byId.has(id)) throw new DomainError('NAMESPACE_ALREADY_EXISTS', `namespace '${id}' already exists`, { field: 'customNamespaceId' });
    const ns = { id, name, description, createdAt: this.clock.now() };
    this.byId.set(id, ns);
    this.notify(ns, false);
    return ns;
  }

  /** Loads a namespace from storage at start, without validation side effects. */
  restore(ns: Namespace): void {
    this.byId.set(ns.id, ns);
  }

  update(id: string, name: string, description: string | undefined): Namespace {
    const ns = this.require(id);
    if (!SHOW_NAME.test(name)) throw invalidParam('namespaceShowName', `Param 'namespaceShowName' must be 1-256 characters without @#$%^&*.`);
    ns.name = name;
    if (description !== undefined) ns.description = description;
    this.notify(ns, false);
    return ns;
  }

  /** `inUse` tells whether services remain; a namespace with services is not deleted. */
  delete(id: string, inUse: boolean): void {
    if (id === DEFAULT_NAMESPACE) throw invalidParam('namespaceId', 'The public namespace cannot be deleted.');
    const ns = this.require(id);
    if (inUse) throw new DomainError('NAMESPACE_NOT_EMPTY', `namespace '${id}' still has services; delete them first`, { field: 'namespaceId' });
    this.byId.delete(id);
    this.notify(ns, true);
  }

  private notify(ns: Namespace, removed: boolean): void {
    for (const listener of this.listeners) listener(ns, removed);
  }

  private require(id: string): Namespace {
    const ns = this.byId.get(id);
    if (!ns) throw new DomainError('NAMESPACE_NOT_FOUND', `namespace '${id}' does not exist`, { field: 'namespaceId' });
    return ns;
  }
}
