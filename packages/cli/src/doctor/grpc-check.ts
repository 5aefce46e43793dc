import { checkGrpcServer } from '@cairn/sdk';
import { fail, ok, type Check } from './check.js';

const TIMEOUT_MS = 3_000;

/** Nacos 2.x clients dial the HTTP port + 1000 over gRPC; the SDK's ServerCheck is their first call. */
export const grpcCheck: Check = {
  name: 'grpc',
  needs: ['server'],
  activity: (s) => `asking ${s.address!.host}:${s.address!.port + 1000} for a gRPC ServerCheck`,
  async run(state) {
    const { hostPort, port } = state.address!;
    const grpcPort = port + 1000;
    try {
      const { connectionId } = await checkGrpcServer(hostPort, { timeoutMs: TIMEOUT_MS });
      return ok(`port ${grpcPort} answers Nacos 2.x gRPC (ServerCheck gave connection ${connectionId})`);
    } catch (error) {
      return fail(
        `no gRPC answer on port ${grpcPort}: ${(error as Error).message}`,
        `Nacos 2.x clients (and the SDK with protocol: 'grpc') dial the HTTP port + 1000: serve gRPC on port ${grpcPort} (cairn start does unless given --grpc-port) and open port ${grpcPort} between the clients and the server; HTTP v1 clients are not affected`,
      );
    }
  },
};
