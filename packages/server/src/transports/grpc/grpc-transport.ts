import { DEFAULT_NAMESPACE, type CairnEvent, type Clock, type ConnectionDirectory, type ConnectionEnd, type ConnectionFacts, type ConnectionSnapshot, type EventPublisher, type RedirectTarget } from '@cairn/core';
import { Server, ServerCredentials, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ConnectionTable } from './connection-table.js';
import { endQuietly, GrpcConnection, type PushObserver, type StreamSink } from './grpc-connection.js';
import { DEFAULT_GRPC_SETTINGS, type GrpcSettings } from './grpc-settings.js';
import { errorResponse, GRPC_ERRORS, readRequest, refusalResponse, responsePayload, ServerRequests, type GrpcRequest, type GrpcResponse } from './grpc-wire.js';
import type { Payload } from '@cairn/api';
import { payloadCodec as codec } from './grpc-codec.js';
import { RequestHandlers } from './request-handlers.js';
import type { RequestGate } from './auth/grpc-auth.js';
import { clip, decodeResponseBody, labelsOf, splitPeer } from './stream-messages.js';

const REQUEST_SERVICE: ServiceDefinition = { request: { path: '/Request/request', requestStream: false, responseStream: false, originalName: 'request', ...codec } };
const STREAM_SERVICE: ServiceDefinition = { requestBiStream: { path: '/BiRequestStream/requestBiStream', requestStream: true, responseStream: true, originalName: 'requestBiStream', ...codec } };

export interface GrpcDeps {
  events: EventPublisher<CairnEvent>;
  clock: Clock;
  log: Logger;
  /** Told of every server request sent on a stream and its answer (the gRPC push metrics). */
  pushes?: PushObserver;
  /** Checks every handled request before its handler runs (auth); none: every request passes. */
  gate?: RequestGate;
}

/**
 * The Nacos 2.x gRPC transport: `Request/request` (unary) and `BiRequestStream/requestBiStream` with JSON bodies
 * in `Payload`. It owns the connection table, answers the handshake and health checks itself, hands every other
 * request to the handler registered for its type once the gate (auth) lets it pass, checks idle connections for
 * liveness, and publishes each connection's start and end on the bus.
 */
export class GrpcTransport implements ConnectionDirectory {
  readonly handlers = new RequestHandlers();
  readonly connections: ConnectionTable;
  readonly settings: Readonly<GrpcSettings>;
  /** Liveness checks sent, answered and left unanswered since start. */
  readonly liveness = { probed: 0, answered: 0, unanswered: 0 };
  private readonly requests = new ServerRequests();
  private server: Server | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Set when close() starts: a ConnectionSetupRequest from then on is refused. */
  private closing = false;

  constructor(
    private readonly deps: GrpcDeps,
    settings: Partial<GrpcSettings> = {},
  ) {
    this.settings = { ...DEFAULT_GRPC_SETTINGS, ...settings };
    this.connections = new ConnectionTable(this.settings.pendingTtlMs);
    this.handlers.register('HealthCheckRequest', () => ({ type: 'HealthCheckResponse', body: {} }));
  }

  list(): ConnectionSnapshot[] {
    return this.connections.all().map(snapshotOf);
  }

  get(connectionId: string): ConnectionSnapshot | undefined {
    const connection = this.connections.get(connectionId);
    return connection && snapshotOf(connection);
  }

  /**
   * Nacos's ConnectResetRequest: asks the client to reconnect (to `redirect`, else to a server of its choice). The
   * connection stays until the client ends it; that end is journaled `reset-requested`.
   */
  reset(connectionId: string, redirect?: RedirectTarget): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    connection.resetRequested = true;
    const body = redirect ? { serverIp: redirect.ip, serverPort: String(redirect.port), connectionId } : { connectionId };
    connection.push('ConnectResetRequest', body).then(
      () => this.deps.log.info({ connectionId }, 'ConnectResetRequest answered'),
      (err: Error) => this.deps.log.info({ connectionId, err: err.message }, 'ConnectResetRequest unanswered'),
    );
    return true;
  }

  /** Binds `host:port` (0 = any free port) and resolves to the port bound. */
  async listen(host: string, port: number): Promise<number> {
    const server = new Server({
      'grpc.max_receive_message_length': this.settings.maxMessageBytes,
      'grpc.max_send_message_length': this.settings.maxMessageBytes,
      'grpc.max_connection_idle_ms': this.settings.connectionIdleMs,
    });
    server.addService(REQUEST_SERVICE, { request: (call: ServerUnaryCall<Payload, Payload>, done: sendUnaryData<Payload>) => void this.onUnary(call, done).catch((err: unknown) => this.unaryFailed(err, done)) });
    server.addService(STREAM_SERVICE, { requestBiStream: (call: ServerDuplexStream<Payload, Payload>) => this.onStream(call) });
    const bound = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
    });
    this.server = server;
    this.sweepTimer = setInterval(() => this.sweep(), this.settings.sweepEveryMs);
    this.sweepTimer.unref();
    return bound;
  }

  /**
   * Sends every connection a ConnectResetRequest (its client moves to another server) and waits for the answers until
   * `deadline` (epoch ms), then closes every connection (journaled as `server-shutdown`) and the server; in-flight
   * calls get a short grace.
   */
  async close(deadline = Date.now() + 1_000): Promise<void> {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const asked = this.connections.all().map((connection) => connection.push('ConnectResetRequest', { connectionId: connection.connectionId }).catch(() => undefined));
    if (asked.length > 0) {
      this.deps.log.info({ connections: asked.length }, 'shutting down: ConnectResetRequest sent to every gRPC connection');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(asked), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
    for (const connection of this.connections.all()) this.closeConnection(connection, 'server-shutdown');
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(
        () => {
          server.forceShutdown();
          resolve();
        },
        Math.min(1_000, Math.max(0, deadline - Date.now())),
      );
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private async onUnary(call: ServerUnaryCall<Payload, Payload>, done: sendUnaryData<Payload>): Promise<void> {
    const payload = call.request;
    const peer = call.getPeer();
    const now = this.deps.clock.now();
    let request: GrpcRequest | undefined;
    const answer = (response: GrpcResponse): void => done(null, responsePayload(response, request?.requestId));
    // Bytes that are no Payload have no type to dispatch on.
    if (payload.invalid !== undefined) return answer(errorResponse(GRPC_ERRORS.BAD_PAYLOAD, `the message is not a Nacos Payload: ${payload.invalid}`));
    let badBody: string | undefined;
    try {
      request = readRequest(payload);
    } catch (err) {
      badBody = (err as Error).message;
    }
    if (payload.type === 'ServerCheckRequest') {
      const { ip, port } = splitPeer(peer);
      return answer({ type: 'ServerCheckResponse', body: { connectionId: this.connections.idFor(peer, ip, port, now), supportAbilityNegotiation: false } });
    }
    // Nacos's order: an unknown type (302), then an unregistered connection (301), then an unreadable body (502).
    const handler = this.handlers.get(payload.type);
    if (!handler) return answer(errorResponse(GRPC_ERRORS.NO_HANDLER, `no handler for request type '${payload.type}'`));
    const connection = this.connections.ofPeer(peer);
    if (!connection) return answer(errorResponse(GRPC_ERRORS.UNREGISTERED, 'Connection is unregistered.'));
    connection.lastActive = now;
    if (!request) return answer(errorResponse(GRPC_ERRORS.BAD_PAYLOAD, badBody ?? 'unreadable request'));
    try {
      const verdict = this.deps.gate ? await this.deps.gate(request, connection) : undefined;
      if (verdict && !verdict.ok) return answer(verdict.response);
      if (verdict?.user !== undefined) request.user = verdict.user;
      if (verdict?.readable) request.readable = verdict.readable;
      answer(await handler(request, connection));
    } catch (err) {
      const code = (err as { errorCode?: unknown }).errorCode;
      this.deps.log.warn({ err, type: payload.type, connectionId: connection.connectionId }, 'gRPC request handler failed');
      answer(refusalResponse(typeof code === 'number' ? code : GRPC_ERRORS.SERVER_ERROR, (err as Error).message));
    }
  }

  /** A fault of the transport itself while answering: logged, and answered as a server error so no call hangs. */
  private unaryFailed(err: unknown, done: sendUnaryData<Payload>): void {
    this.deps.log.error({ err }, 'gRPC request failed in the transport');
    try {
      done(null, responsePayload(errorResponse(GRPC_ERRORS.SERVER_ERROR, 'internal server error (see the server log)'), undefined));
    } catch {
      // Already answered.
    }
  }

  private onStream(call: ServerDuplexStream<Payload, Payload>): void {
    const peer = call.getPeer();
    let connection: GrpcConnection | undefined;
    const sink: StreamSink = { write: (p: Payload) => void call.write(p), end: () => call.end() };
    // A stream that never sends its ConnectionSetupRequest would be held forever: it is ended.
    const setupDeadline = setTimeout(() => endQuietly(sink), this.settings.setupTimeoutMs);
    setupDeadline.unref();
    call.on('data', (payload: Payload) => {
      try {
        onMessage(payload);
      } catch (err) {
        // One client's odd message must not take the server down; the stream goes on.
        this.deps.log.error({ err, type: payload.type, peer }, 'gRPC stream message failed');
      }
    });
    const onMessage = (payload: Payload): void => {
      const now = this.deps.clock.now();
      if (connection) {
        connection.lastActive = now;
        if (!connection.answer(payload)) this.deps.log.debug({ type: payload.type, connectionId: connection.connectionId }, 'unexpected message on gRPC stream');
        return;
      }
      if (payload.type !== 'ConnectionSetupRequest') {
        this.deps.log.debug({ type: payload.type, peer }, 'gRPC stream message before ConnectionSetupRequest ignored');
        return;
      }
      clearTimeout(setupDeadline);
      connection = this.setUp(peer, decodeResponseBody(payload) ?? {}, sink, now);
    };
    // A stream another stream of its connection took over ends without ending the connection.
    const finish = (end: ConnectionEnd) => {
      clearTimeout(setupDeadline);
      if (connection?.streamIs(sink)) this.closeConnection(connection, connection.resetRequested ? 'reset-requested' : end);
    };
    // A reset stream also ends its readable side, with 'cancelled' right after in the same turn: the end counts
    // as the client's own close only if no cancel follows it.
    call.on('end', () => setImmediate(() => finish(call.cancelled ? 'reset' : 'client-closed')));
    call.on('cancelled', () => finish('reset'));
    call.on('error', () => finish('reset'));
  }

  /**
   * A ConnectionSetupRequest: registers the connection, or refuses it (the server is closing, or holds
   * `maxConnections` already): the refusal is journaled and the stream ended, and the client's calls keep being
   * answered 301 until a setup succeeds. A second stream on a registered connection takes it over (Nacos keeps one
   * stream per connection): the older stream is ended, and the connection keeps its id, instances, subscriptions
   * and listens.
   */
  private setUp(peer: string, setup: Record<string, unknown>, sink: StreamSink, now: number): GrpcConnection | undefined {
    const live = this.connections.ofPeer(peer);
    if (live && !live.closedBy) {
      this.deps.log.info({ connectionId: live.connectionId }, 'a new gRPC stream took over its connection; the older stream is ended');
      live.takeOver(sink);
      return live;
    }
    const full = this.connections.size >= this.settings.maxConnections;
    if (!this.closing && !full) return this.open(peer, setup, sink, now);
    const reason = this.closing ? 'the server is shutting down' : `the server holds ${this.connections.size} connections, its limit (--grpc-max-connections)`;
    const facts = this.factsOf(peer, setup, now);
    this.deps.log.warn({ connectionId: facts.connectionId, reason }, 'gRPC connection refused');
    this.deps.events.publish({ type: 'connection', cause: 'CONNECTION_CLOSED', at: now, ...facts, ended: 'refused', lastActive: now, reason });
    endQuietly(sink);
    return undefined;
  }

  /** What a connection's journal entries tell of it; the client's own words are clipped (they are kept per event). */
  private factsOf(peer: string, setup: Record<string, unknown>, now: number): ConnectionFacts {
    const { ip, port } = splitPeer(peer);
    const labels = labelsOf(setup);
    return {
      connectionId: this.connections.idFor(peer, ip, port, now),
      ip,
      port,
      clientVersion: clip(typeof setup.clientVersion === 'string' ? setup.clientVersion : ''),
      appName: clip(labels.AppName ?? labels.appName ?? ''),
      namespace: typeof setup.tenant === 'string' && setup.tenant !== '' ? clip(setup.tenant) : DEFAULT_NAMESPACE,
      module: clip(labels.module ?? ''),
      connectedSince: now,
    };
  }

  private open(peer: string, setup: Record<string, unknown>, sink: StreamSink, now: number): GrpcConnection {
    const facts = this.factsOf(peer, setup, now);
    const connection = new GrpcConnection(peer, facts, labelsOf(setup), sink, this.settings.pushTimeoutMs, this.requests, this.deps.pushes);
    this.connections.add(connection);
    this.deps.events.publish({ type: 'connection', cause: 'CONNECTION_OPENED', at: now, ...facts });
    return connection;
  }

  private closeConnection(connection: GrpcConnection, end: ConnectionEnd, silentMs?: number): void {
    if (!connection.close(end)) return;
    this.connections.remove(connection);
    const { facts, lastActive } = connection;
    this.deps.events.publish({
      type: 'connection',
      cause: 'CONNECTION_CLOSED',
      at: this.deps.clock.now(),
      ...facts,
      ended: end,
      lastActive,
      ...(silentMs === undefined ? {} : { silentMs }),
    });
  }

  /** Nacos's liveness check: an idle connection is asked a ClientDetectionRequest; no answer, and it is closed. */
  private sweep(): void {
    const now = this.deps.clock.now();
    this.connections.prune(now);
    for (const connection of this.connections.all()) {
      if (connection.probing || now - connection.lastActive < this.settings.idleMs) continue;
      connection.probing = true;
      this.liveness.probed++;
      connection.push('ClientDetectionRequest', {}, this.settings.detectionTimeoutMs).then(
        () => {
          connection.probing = false;
          this.liveness.answered++;
        },
        () => {
          connection.probing = false;
          if (!connection.closedBy) this.liveness.unanswered++;
          this.closeConnection(connection, 'liveness-unanswered', this.deps.clock.now() - connection.lastActive);
        },
      );
    }
  }
}

function snapshotOf(connection: GrpcConnection): ConnectionSnapshot {
  return { ...connection.facts, lastActive: connection.lastActive, labels: connection.labels };
}
