import type { ServerAddress } from '../../address.js';
import { authRefusal } from '../../auth/token-source.js';
import { CairnAuthError, CairnClosedError, CairnRequestError, kindOfNetworkError } from '../../errors.js';
import type { ResolvedOptions } from '../../resolved-options.js';
import { ServerPool } from '../server-pool.js';
import { ConnectionKeeper } from './connection-keeper.js';
import { type ClientIdentity, GrpcChannel } from './grpc-channel.js';
import type { GrpcAnswer } from './grpc-wire.js';

/** What a client of the connection (naming, config) keeps across connections and does with the server's requests. */
export interface ConnectionUser {
  /** Everything remembered, done again on a new connection; rejects when the connection failed meanwhile. */
  redo(channel: GrpcChannel): Promise<void>;
  /** The connection was lost; answers whether something must be redone at once (the keeper then reconnects). */
  lost(): boolean;
  /** A request the server sent on the stream, other than the connection's own (detection, reset); its answer. */
  serverRequest(type: string, body: Record<string, unknown>): { type: string; body: Record<string, unknown> } | undefined;
}

/**
 * One Nacos 2.x gRPC connection at a time, to the first server of the pool that completes the handshake, shared
 * by the naming and config transports: failover over the server list, a request tried once more on a new
 * connection when the old one broke, health checks and reconnects (the keeper), and the server's connection
 * requests (`ClientDetectionRequest`, `ConnectResetRequest`). What is redone on a new connection is the user's.
 */
export class GrpcConnection {
  readonly pool: ServerPool;
  private channel: { channel: GrpcChannel; server: ServerAddress } | undefined;
  private connecting: Promise<GrpcChannel> | undefined;
  private readonly keeper: ConnectionKeeper;
  private closed = false;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly identity: ClientIdentity,
    private readonly user: ConnectionUser,
  ) {
    this.pool = new ServerPool(o.servers, () => o.clock.now(), o.random);
    this.keeper = new ConnectionKeeper(
      () => this.connection(),
      () => this.channel?.channel,
      o.clock,
      o.random,
      o.logger,
    );
  }

  /** The open channel, if any (no connection is made). */
  get open(): GrpcChannel | undefined {
    return this.channel?.channel.isOpen ? this.channel.channel : undefined;
  }

  /** The current connection, or a new one (the pool's order, first handshake wins) with everything remembered redone. */
  connection(): Promise<GrpcChannel> {
    if (this.closed) return Promise.reject(new CairnClosedError());
    if (this.channel?.channel.isOpen) return Promise.resolve(this.channel.channel);
    this.connecting ??= this.connectAny().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** One request on the connection; a connection that fails it is dropped and the request tried once more on a new one. */
  async call(type: string, body: Record<string, unknown>): Promise<GrpcAnswer> {
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const channel = await this.connection();
      try {
        return await channel.request(type, body);
      } catch (error) {
        // A token the server refused as expired or invalid was forgotten: once, log in again and send it again.
        if ((error as { staleToken?: boolean }).staleToken && !renewed) {
          renewed = true;
          attempt--;
          continue;
        }
        const kind = kindOfNetworkError(error);
        if (kind === 'client-error' || kind === 'server-error' || kind === 'bad-answer' || attempt >= 2) throw error;
        channel.drop(`${type} failed: ${(error as Error).message}`);
      }
    }
  }

  /** No connection now and something to redo: reconnect in the background until one answers. */
  reconnect(): void {
    if (!this.channel?.channel.isOpen) this.keeper.reconnect();
  }

  /** Ends the connection (the server lets go of what it held for it at once); later calls reject. */
  close(): void {
    this.closed = true;
    this.keeper.stop();
    this.channel?.channel.close();
    this.channel = undefined;
  }

  private async connectAny(): Promise<GrpcChannel> {
    let last: unknown;
    for (const server of this.pool.order()) {
      const target = grpcTarget(server, this.o.grpcPortOffset);
      // A server that refuses the token (another server issued it, or it expired meanwhile) while everything is
      // redone: the token is forgotten then, and everything redone once more after a new login.
      let staleTokens = 0;
      const channel: GrpcChannel = new GrpcChannel(
        target,
        this.o.requestTimeoutMs,
        (type, body) => this.serverRequest(channel, type, body),
        (why) => this.lost(channel, why),
        {
          headers: () => this.o.tokens.credentialsFor(server),
          stale: (token, code, text) => {
            staleTokens++;
            return this.o.tokens.refused(token, server.label, code, text);
          },
          refused: (what, code, text, carried) => authRefusal(what, server.label, code, text, carried, this.o.tokens.username),
        },
      );
      try {
        await channel.open(this.identity);
      } catch (error) {
        if (error instanceof CairnAuthError) throw error; // the credentials, not the server: another server would say the same
        this.pool.failed(server, kindOfNetworkError(error), this.o.random);
        last = error;
        continue;
      }
      if (this.closed) {
        channel.close();
        throw new CairnClosedError();
      }
      this.pool.succeeded(server);
      this.channel = { channel, server };
      this.o.logger.info?.(`gRPC connected to ${target} as ${channel.connectionId}`);
      this.keeper.connected();
      await this.user.redo(channel);
      if (staleTokens > 0 && channel.isOpen) await this.user.redo(channel);
      return channel;
    }
    throw last ?? new CairnRequestError('no server to try', 'other');
  }

  private lost(channel: GrpcChannel, why: string): void {
    if (this.channel?.channel !== channel) return;
    this.pool.failed(this.channel.server, 'reset', this.o.random);
    this.channel = undefined;
    this.o.logger.warn?.(`gRPC connection ${channel.connectionId} to ${channel.label} lost: ${why}`);
    if (this.user.lost() && !this.closed) this.keeper.reconnect();
  }

  private serverRequest(channel: GrpcChannel, type: string, body: Record<string, unknown>): { type: string; body: Record<string, unknown> } | undefined {
    if (type === 'ClientDetectionRequest') return { type: 'ClientDetectionResponse', body: {} };
    if (type === 'ConnectResetRequest') {
      setImmediate(() => channel.drop('the server asked this client to reconnect (ConnectResetRequest)'));
      return { type: 'ConnectResetResponse', body: {} };
    }
    const reply = this.user.serverRequest(type, body);
    if (!reply) this.o.logger.debug?.(`gRPC: ignored a ${type} from the server`);
    return reply;
  }
}

/** The gRPC address of a server: its host and, as Nacos clients dial it, the HTTP port plus the offset. */
export function grpcTarget(server: Pick<ServerAddress, 'host' | 'port'>, offset: number): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `${host}:${server.port + offset}`;
}
