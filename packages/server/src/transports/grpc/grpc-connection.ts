import type { ConnectionEnd, ConnectionFacts } from '@cairn/core';
import { decodeResponseBody } from './stream-messages.js';
import type { Payload } from '@cairn/api';
import type { ServerRequests } from './grpc-wire.js';

/** The side of a bidirectional stream the connection writes to and ends. */
export interface StreamSink {
  /** A payload, or one encoded already (a push). */
  write(payload: Payload | Uint8Array): void;
  end(): void;
}

/** What request handlers see of the connection a request came on. */
export interface ConnectionView extends Readonly<ConnectionFacts> {
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Sends a server request on the stream (e.g. `NotifySubscriberRequest`) and resolves with the client's answer
   * (matched by the request id the server assigned); rejects after `timeoutMs` or when the connection closes.
   */
  push(type: string, body: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export class PushError extends Error {}

/** Told of every server request sent on a stream and how it went, by request type: the gRPC push metrics. */
export interface PushObserver {
  sent(type: string): void;
  /** The client answered after `seconds`. */
  answered(type: string, seconds: number): void;
  /** No answer: the try timed out or the connection closed first. */
  unanswered(type: string): void;
}

const NO_OBSERVER: PushObserver = { sent() {}, answered() {}, unanswered() {} };

interface Pending {
  resolve(body: Record<string, unknown>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  type: string;
  /** performance.now() when it was written. */
  sentAt: number;
}

/** One registered gRPC connection: its client's facts, its stream, and the server requests awaiting an answer. */
export class GrpcConnection implements ConnectionView {
  lastActive: number;
  /** True while a liveness check (ClientDetectionRequest) awaits its answer. */
  probing = false;
  /** Set when an operator asked the client to reconnect (ConnectResetRequest): its end is journaled `reset-requested`. */
  resetRequested = false;
  closedBy: ConnectionEnd | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    /** The transport's name of the TCP connection (`ip:port`), the key unary calls are found by. */
    readonly peer: string,
    readonly facts: Readonly<ConnectionFacts>,
    readonly labels: Readonly<Record<string, string>>,
    private sink: StreamSink,
    private readonly defaultTimeoutMs: number,
    private readonly requests: ServerRequests,
    private readonly observer: PushObserver = NO_OBSERVER,
  ) {
    this.lastActive = facts.connectedSince;
  }

  get connectionId(): string {
    return this.facts.connectionId;
  }
  get ip(): string {
    return this.facts.ip;
  }
  get port(): number {
    return this.facts.port;
  }
  get clientVersion(): string {
    return this.facts.clientVersion;
  }
  get appName(): string {
    return this.facts.appName;
  }
  get namespace(): string {
    return this.facts.namespace;
  }
  get module(): string {
    return this.facts.module;
  }
  get connectedSince(): number {
    return this.facts.connectedSince;
  }

  push(type: string, body: Record<string, unknown>, timeoutMs = this.defaultTimeoutMs): Promise<Record<string, unknown>> {
    if (this.closedBy) return Promise.reject(new PushError(`connection ${this.connectionId} is closed`));
    const { requestId, bytes } = this.requests.encode(type, body, this);
    // The observer is told here, in answer() and where a try fails (not through more promises on each push).
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        this.observer.unanswered(type);
        reject(new PushError(`no answer to ${type} ${requestId} on connection ${this.connectionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(requestId, { resolve, reject, timer, type, sentAt: performance.now() });
      this.observer.sent(type);
      this.sink.write(bytes);
    });
  }

  /** A message on the stream that answers a server request; returns false when it matches none. */
  answer(payload: Payload): boolean {
    const body = decodeResponseBody(payload);
    const requestId = typeof body?.requestId === 'string' ? body.requestId : undefined;
    const pending = requestId === undefined ? undefined : this.pending.get(requestId);
    if (!body || !requestId || !pending) return false;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    this.observer.answered(pending.type, (performance.now() - pending.sentAt) / 1000);
    pending.resolve(body);
    return true;
  }

  /** True while `sink` is the stream this connection writes to. */
  streamIs(sink: StreamSink): boolean {
    return this.sink === sink;
  }

  /**
   * Another stream of the same connection takes over: the older one is ended, and what awaited an answer on it
   * fails at once (pushes are tried again, on the new stream).
   */
  takeOver(sink: StreamSink): void {
    const older = this.sink;
    this.sink = sink;
    this.failPending('its stream was taken over by a newer one');
    endQuietly(older);
  }

  /** Ends the stream (once) and fails what is still awaiting an answer. */
  close(end: ConnectionEnd): boolean {
    if (this.closedBy) return false;
    this.closedBy = end;
    this.failPending(`it closed (${end})`);
    endQuietly(this.sink);
    return true;
  }

  private failPending(why: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.observer.unanswered(pending.type);
      pending.reject(new PushError(`connection ${this.connectionId}: ${why} before answering ${id}`));
    }
    this.pending.clear();
  }
}

/** Ends a stream; one whose transport is already gone is left as it is. */
export function endQuietly(sink: StreamSink): void {
  try {
    sink.end();
  } catch {
    // The transport is already gone.
  }
}
