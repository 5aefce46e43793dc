import type { GrpcConnection } from './grpc-connection.js';

interface AssignedId {
  id: string;
  at: number;
}

/**
 * The live gRPC connections, keyed by the id Cairn assigns, and the ids assigned to peers that have not opened
 * their stream yet.
 *
 * A request finds its connection through the transport: grpc-js names every call's peer as the `ip:port` of the
 * TCP connection that carries its HTTP/2 session, and unary calls and the stream of one client channel share that
 * session. While a TCP connection is open no other can have the same remote address and port, so the peer
 * identifies the connection; nothing in the payload does. The entry goes when the stream ends, and an id assigned
 * by a ServerCheck whose stream never came is forgotten after `pendingTtlMs` (a later connection that reuses the
 * port gets a fresh id).
 */
export class ConnectionTable {
  private readonly byId = new Map<string, GrpcConnection>();
  private readonly byPeer = new Map<string, GrpcConnection>();
  private readonly assigned = new Map<string, AssignedId>();

  constructor(private readonly pendingTtlMs: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** The id of a peer's connection: its registered connection's, the one assigned earlier, or a new one. */
  idFor(peer: string, ip: string, port: number, now: number): string {
    const live = this.byPeer.get(peer);
    if (live) return live.connectionId;
    const earlier = this.assigned.get(peer);
    if (earlier && now - earlier.at < this.pendingTtlMs) return earlier.id;
    const id = `${now}_${ip}_${port}`;
    this.assigned.set(peer, { id, at: now });
    return id;
  }

  add(connection: GrpcConnection): void {
    this.assigned.delete(connection.peer);
    this.byId.set(connection.connectionId, connection);
    this.byPeer.set(connection.peer, connection);
  }

  remove(connection: GrpcConnection): void {
    if (this.byPeer.get(connection.peer) === connection) this.byPeer.delete(connection.peer);
    if (this.byId.get(connection.connectionId) === connection) this.byId.delete(connection.connectionId);
  }

  ofPeer(peer: string): GrpcConnection | undefined {
    return this.byPeer.get(peer);
  }

  get(id: string): GrpcConnection | undefined {
    return this.byId.get(id);
  }

  all(): GrpcConnection[] {
    return [...this.byId.values()];
  }

  /** Forgets ids assigned to peers whose stream did not come within the TTL. */
  prune(now: number): void {
    for (const [peer, a] of this.assigned) if (now - a.at >= this.pendingTtlMs) this.assigned.delete(peer);
  }
}
