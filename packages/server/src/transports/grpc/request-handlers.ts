import type { ConnectionView } from './grpc-connection.js';
import type { GrpcRequest, GrpcResponse } from './grpc-wire.js';

/** Answers one request type for the connection it came on. A thrown error answers an ErrorResponse. */
export type RequestHandler = (request: GrpcRequest, connection: ConnectionView) => GrpcResponse | Promise<GrpcResponse>;

/**
 * Request type (the Java class name in `metadata.type`, e.g. `InstanceRequest`) → handler. Naming and config add
 * theirs here; the transport answers 302 for a type nobody registered.
 */
export class RequestHandlers {
  private readonly handlers = new Map<string, RequestHandler>();

  register(type: string, handler: RequestHandler): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler);
  }

  get(type: string): RequestHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
