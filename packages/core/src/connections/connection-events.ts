/**
 * How a gRPC connection ended: the client closed its stream (`client-closed`), the transport went away without a
 * close, as when the client process exits without closing its client, is killed, or its network fails (`reset`), it answered no liveness check
 * (`liveness-unanswered`), the server shut down (`server-shutdown`), or the client ended it after an operator asked
 * it to reconnect with a ConnectResetRequest (`reset-requested`); or it never opened: the server refused its
 * ConnectionSetupRequest (`refused`, while shutting down or at its connection limit).
 */
export type ConnectionEnd = 'client-closed' | 'reset' | 'liveness-unanswered' | 'server-shutdown' | 'reset-requested' | 'refused';

/** What is known about a connection's client, from the transport and its ConnectionSetupRequest. */
export interface ConnectionFacts {
  /** The id Cairn assigned, Nacos form `<millis>_<ip>_<port>`. */
  connectionId: string;
  ip: string;
  port: number;
  /** e.g. `Nacos-Java-Client:v2.3.2`; `""` when the client did not say. */
  clientVersion: string;
  /** The `AppName` label; `""` when not sent. */
  appName: string;
  /** The namespace the client set up for (its `tenant`; blank = `public`). */
  namespace: string;
  /** The `module` label (`naming`, `config`); `""` when not sent. */
  module: string;
  /** When the connection was opened (epoch ms). */
  connectedSince: number;
}

export interface ConnectionOpenedEvent extends ConnectionFacts {
  type: 'connection';
  cause: 'CONNECTION_OPENED';
  at: number;
}

export interface ConnectionClosedEvent extends ConnectionFacts {
  type: 'connection';
  cause: 'CONNECTION_CLOSED';
  at: number;
  ended: ConnectionEnd;
  /** When the client last sent anything (epoch ms). */
  lastActive: number;
  /** With `liveness-unanswered`: how long the client had been silent when it was closed. */
  silentMs?: number;
  /** With `refused`: why the server refused the connection. */
  reason?: string;
}

/** A gRPC connection's start or end, published by the transport on the one bus. */
export type ConnectionEvent = ConnectionOpenedEvent | ConnectionClosedEvent;
