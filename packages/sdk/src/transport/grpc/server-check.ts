import { parseServerAddress } from '../../address.js';
import { GrpcChannel } from './grpc-channel.js';
import { grpcTarget } from './grpc-connection.js';

export interface GrpcCheckOptions {
  /** Bound on connecting and the answer. Default 3000. */
  timeoutMs?: number;
  /** gRPC port = the server's port + this. Default 1000 (Nacos). */
  grpcPortOffset?: number;
}

export interface GrpcCheckResult {
  /** `host:port` that was dialled. */
  target: string;
  /** The id the server gave this connection (Nacos's form `<millis>_<ip>_<port>`). */
  connectionId: string;
}

/**
 * Asks a server's gRPC port for a Nacos `ServerCheckRequest`, the first call every Nacos 2.x client makes, and
 * closes the connection. Rejects with `CairnRequestError` (`kind` refused, timeout, …) when the port does not answer.
 *
 * @example
 * const { connectionId } = await checkGrpcServer('127.0.0.1:8848'); // dials 127.0.0.1:9848
 */
export async function checkGrpcServer(server: string, options: GrpcCheckOptions = {}): Promise<GrpcCheckResult> {
  const target = grpcTarget(parseServerAddress(server), options.grpcPortOffset ?? 1000);
  const channel = new GrpcChannel(
    target,
    options.timeoutMs ?? 3000,
    () => undefined,
    () => undefined,
  );
  try {
    return { target, connectionId: await channel.serverCheck() };
  } finally {
    channel.close();
  }
}
