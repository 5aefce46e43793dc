import { DomainError, invalidParam } from './errors.js';
import type { EventPublisher } from './event-bus.js';
import type { Clock } from './time/clock.js';

/** The namespace every context uses when none is named (Nacos's `public`). */
export const DEFAULT_NAMESPACE = 'public';

const NAMESPACE_ID = /^[\w-]{1,64}$/;

/** The one NAMESPACE_NOT_FOUND. */
export function namespaceNotFound(id: string): DomainError {
  return new DomainError('NAMESPACE_NOT_FOUND', `namespace '${id}' does not exist`, { field: 'namespaceId' });
}

/** Namespace ids as Nacos's parameter checker accepts them, for every context. */
export function validateNamespaceId(value: string, field = 'namespaceId'): string {
  if (!NAMESPACE_ID.test(value)) {
    const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
    throw invalidParam(field, `Param '${field}' must be 1-64 letters, digits, '_' or '-', got '${shown}'.`);
  }
  return value;
}

export interface Namespace {
  id: string;
  name: string;
  description: string;
  createdAt: number;
}

/** What a namespace still holds when someone asks to delete it. */
export interface NamespaceContents {
  readonly services: number;
  readonly configs: number;
}

/** A namespace was created, edited or deleted. Persistence follows it (and, in a cluster, the change log). */
export interface NamespaceEvent {
  readonly type: 'namespace';
  readonly namespace: Readonly<Namespace>;
  readonly removed: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const SHOW_NAME = /^[^@#$%^&*\u0000-\u001f\u007f]{1,256}$/;

/**
 * The known namespaces. `public` always exists. Like Nacos, naming calls into an id that was never created still
 * work (the namespace exists implicitly); the console and the diagnosis point such ids out.
 */
export class Namespaces {
  private readonly byId = new Map<string, Namespace>();
  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher<NamespaceEvent>,
  ) {
    this.byId.set(DEFAULT_NAMESPACE, { id: DEFAULT_NAMESPACE, name: 'public', description: 'Default Namespace', createdAt: 0 });
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
    if (!SHOW_NAME.test(name)) throw invalidParam('namespaceName', `Param 'namespaceName' must be 1-256 characters without @#$%^&* or control characters.`);
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

  /**
   * Cluster mode: makes one namespace match the database after another node changed it (created, renamed, or
   * deleted when `stored` is undefined), and publishes the change like a local one.
   */
  applyStored(id: string, stored: Namespace | undefined): void {
    const current = this.byId.get(id);
    if (!stored) {
      if (!current || id === DEFAULT_NAMESPACE) return;
      this.byId.delete(id);
      this.notify(current, true);
      return;
    }
    if (current && current.name === stored.name && current.description === stored.description) return;
    const ns = { ...stored };
    this.byId.set(id, ns);
    this.notify(ns, false);
  }

  update(id: string, name: string, description: string | undefined): Namespace {
    const ns = this.require(id);
    if (!SHOW_NAME.test(name)) throw invalidParam('namespaceShowName', `Param 'namespaceShowName' must be 1-256 characters without @#$%^&* or control characters.`);
    ns.name = name;
    if (description !== undefined) ns.description = description;
    this.notify(ns, false);
    return ns;
  }

  /** A namespace that still holds services or configs is not deleted: they would be stranded where no console lists them. */
  delete(id: string, remaining: NamespaceContents): void {
    if (id === DEFAULT_NAMESPACE) throw invalidParam('namespaceId', 'The public namespace cannot be deleted.');
    const ns = this.require(id);
    const left = [remaining.services > 0 ? `${remaining.services} service(s)` : '', remaining.configs > 0 ? `${remaining.configs} config(s)` : ''].filter((s) => s !== '');
    if (left.length > 0) throw new DomainError('NAMESPACE_NOT_EMPTY', `namespace '${id}' still has ${left.join(' and ')}; delete them first`, { field: 'namespaceId' });
    this.byId.delete(id);
    this.notify(ns, true);
  }

  private notify(ns: Namespace, removed: boolean): void {
    this.events.publish({ type: 'namespace', namespace: { ...ns }, removed });
  }

  private require(id: string): Namespace {
    const ns = this.byId.get(id);
    if (!ns) throw namespaceNotFound(id);
    return ns;
  }
}
