import type { Payload } from '@cairn/api';
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { isStaleToken, type SentCredentials } from '../../auth/token-source.js';
import { CairnRequestError } from '../../errors.js';
import { answerOf, callError, type GrpcAnswer, grpcJs, isUnregistered, type NacosClient, nacosCodeOf, payloadOf, refusal } from './grpc-wire.js';

/** The version this client announces in its ConnectionSetupRequest (the server journals it with the connection). */
export const CLIENT_VERSION = 'Cairn-SDK:0.1.0';

/** Who this client is, as the ConnectionSetupRequest tells the server. */
export interface ClientIdentity {
  clientVersion: string;
  namespace: string;
  labels: Record<string, string>;
}

/**
 * The credentials of a channel's requests: headers of every request (`accessToken`, as Nacos 2.x clients send it),
 * and what to do when the server refuses the token as expired or invalid (forget it; an error when no new login can
 * replace it).
 */
export interface ChannelAuth {
  headers(): Promise<SentCredentials>;
  stale(token: string, code: number | undefined, text: string): Error | undefined;
  /** A refusal other than a stale token (no credentials, wrong ones, no permission) as the error to reject with. */
  refused(what: string, code: number, text: string, carried: boolean): Error;
}

/** A request the server sends on the stream; the answer's class name and body, or undefined for none. */
export type ServerRequestHandler = (type: string, body: Record<string, unknown>) => { type: string; body: Record<string, unknown> } | undefined;

// After the ConnectionSetupRequest, unary calls are answered 301 until the server has registered the stream (it
// sends no acknowledgement): a HealthCheck is retried this often until it passes.
const SETUP_POLL_MS = 20;

/**
 * One connection to one server, as Nacos 2.x clients make it: its own channel (one TCP connection carrying the
 * unary calls and the bi-stream, which is how the server binds them), a unary ServerCheckRequest, then the stream
 * with a ConnectionSetupRequest. It answers the server's requests on the stream and reports its end once.
 */
export class GrpcChannel {
  connectionId = '';
  private client: NacosClient | undefined;
  private stream: ClientDuplexStream<Payload, Payload> | undefined;
  private ended = false;
  /** The server has taken the ConnectionSetupRequest: a 301 answer from now on means it lost this connection. */
  private registered = false;
  private nextId = 1;

  constructor(
    /** `host:port` of the server's gRPC port. */
    readonly label: string,
    private readonly timeoutMs: number,
    private readonly onServerRequest: ServerRequestHandler,
    private readonly onEnd: (why: string) => void,
    private readonly auth?: ChannelAuth,
  ) {}

  /** ServerCheck, stream and setup; rejects with `CairnRequestError` (and closes) when any step fails. */
  async open(identity: ClientIdentity): Promise<void> {
    await this.serverCheck();
    try {
      const stream = this.client!.requestBiStream();
      this.stream = stream;
      stream.on('data', (p: Payload) => this.onStreamMessage(p));
      stream.on('error', (e: Error) => this.drop(`stream failed: ${e.message}`));
      stream.on('end', () => this.drop('the server ended the stream'));
      stream.write(payloadOf('ConnectionSetupRequest', { clientVersion: identity.clientVersion, tenant: identity.namespace, labels: identity.labels, abilities: {} }));
      await this.untilRegistered();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Dials the server and asks a ServerCheckRequest; resolves with the connection id it gives (also kept in `connectionId`). */
  async serverCheck(): Promise<string> {
    const { grpc, Nacos } = await grpcJs();
    // A channel of its own: grpc-js would otherwise share one TCP connection between clients of the same address,
    // and the server tells connections apart by it.
    this.client = new Nacos(this.label, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': 10 * 1024 * 1024 });
    try {
      const check = await this.request('ServerCheckRequest', {});
      this.connectionId = String(check.body.connectionId ?? '');
      return this.connectionId;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get isOpen(): boolean {
    return !this.ended && this.registered;
  }

  /**
   * One unary request with the credentials' headers; rejects with `CairnRequestError` for a gRPC failure or an
   * error answer. A token refused as expired or invalid is forgotten and the error marked `staleToken` (the
   * connection sends the request again once, after a new login).
   */
  async request(type: string, body: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<GrpcAnswer> {
    const headers = this.auth ? await this.auth.headers() : {};
    const client = this.client;
    if (!client || this.ended) throw new CairnRequestError(`gRPC connection to ${this.label} is closed`, 'reset', this.label);
    const payload = payloadOf(type, { ...body, requestId: String(this.nextId++) }, headers);
    return new Promise((resolve, reject) => {
      client.request(payload, { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, raw?: Payload) => {
        if (error || !raw) return reject(callError(error!, type, this.label));
        try {
          const answer = answerOf(raw);
          const refused = refusal(answer, type, this.label);
          if (refused && this.registered && isUnregistered(refused)) this.drop('the server does not know this connection (301)');
          if (refused) reject(this.staleOr(refused, headers, answer));
          else resolve(answer);
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private staleOr(refused: CairnRequestError, headers: SentCredentials, answer: GrpcAnswer): Error {
    const text = typeof answer.body.message === 'string' ? answer.body.message : '';
    const token = headers.accessToken;
    const code = nacosCodeOf(refused);
    if (!this.auth || (code !== 401 && code !== 403)) return refused;
    if (token === undefined || !isStaleToken(code, text)) return this.auth.refused(refused.message, code, text, Object.keys(headers).length > 0);
    return this.auth.stale(token, code, text) ?? Object.assign(refused, { staleToken: true });
  }

  /** Ends the stream as a client that shuts down cleanly, then the channel; no `onEnd` after this. */
  close(): void {
    this.ended = true;
    try {
      this.stream?.end();
    } catch {
      // Already gone.
    }
    this.client?.close();
  }

  private async untilRegistered(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        await this.request('HealthCheckRequest', {}, Math.max(1, deadline - Date.now()));
        this.registered = true;
        return;
      } catch (error) {
        if (!isUnregistered(error) || this.ended || Date.now() + SETUP_POLL_MS >= deadline) throw error;
        await new Promise((r) => setTimeout(r, SETUP_POLL_MS));
      }
    }
  }

  private onStreamMessage(p: Payload): void {
    let request: GrpcAnswer;
    try {
      request = answerOf(p);
    } catch {
      return;
    }
    const reply = this.onServerRequest(request.type, request.body);
    if (reply) this.stream?.write(payloadOf(reply.type, { ...reply.body, resultCode: 200, errorCode: 0, success: true, requestId: request.body.requestId }));
  }

  /** Ends a connection found broken (stream gone, 301, a failed health check): closes it and reports `onEnd` once. */
  drop(why: string): void {
    if (this.ended) return;
    this.ended = true;
    // Closing a grpc-js client lets its calls run on: the stream is cancelled so the connection really ends (the
    // server then lets go of it, and a reset it asked for is done).
    this.stream?.cancel();
    this.client?.close();
    this.onEnd(why);
  }
}
