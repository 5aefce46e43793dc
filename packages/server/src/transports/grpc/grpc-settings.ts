/** Timings and limits of the gRPC transport. Nacos's values are the defaults; tests shorten the intervals. */
export interface GrpcSettings {
  /** A connection silent this long is sent a ClientDetectionRequest (Nacos: 20 s). */
  idleMs: number;
  /** A ClientDetectionRequest unanswered this long closes the connection. */
  detectionTimeoutMs: number;
  /** How often connections are checked for idleness (Nacos: every 3 s). */
  sweepEveryMs: number;
  /** Default wait for the client's answer to a server request on the stream. */
  pushTimeoutMs: number;
  /** Largest message received or sent (Nacos: 10 MB). */
  maxMessageBytes: number;
  /** An id a ServerCheck assigned is kept this long for the stream that should follow. */
  pendingTtlMs: number;
  /** A stream that sends no ConnectionSetupRequest this long after it opened is ended. */
  setupTimeoutMs: number;
  /** Connections open at once at most; the ConnectionSetupRequest of one more is refused (`--grpc-max-connections`). */
  maxConnections: number;
  /** An HTTP/2 connection with no call open this long is closed (`--idle-timeout-ms`); a Nacos stream keeps it busy. */
  connectionIdleMs: number;
}

export const DEFAULT_GRPC_SETTINGS: Readonly<GrpcSettings> = Object.freeze({
  idleMs: 20_000,
  detectionTimeoutMs: 5_000,
  sweepEveryMs: 3_000,
  pushTimeoutMs: 3_000,
  maxMessageBytes: 10 * 1024 * 1024,
  pendingTtlMs: 60_000,
  setupTimeoutMs: 30_000,
  maxConnections: 50_000,
  connectionIdleMs: 72_000,
});
