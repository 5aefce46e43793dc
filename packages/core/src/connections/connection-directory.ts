import type { ConnectionFacts } from './connection-events.js';

/** A live gRPC connection as read models show it: its client's facts, labels and when it last sent anything. */
export interface ConnectionSnapshot extends Readonly<ConnectionFacts> {
  /** When the client last sent anything (epoch ms). */
  readonly lastActive: number;
  /** The labels of its ConnectionSetupRequest (`module`, `source`, `AppName`, …). */
  readonly labels: Readonly<Record<string, string>>;
}

/** Where to tell a client to reconnect to, Nacos's `ConnectResetRequest {serverIp, serverPort}`; absent = any server. */
export interface RedirectTarget {
  ip: string;
  port: number;
}

/**
 * The live gRPC connections, kept by the transport that owns them: read by the client APIs and the console, and
 * the one command an operator has over a connection, asking its client to reconnect.
 *
 * @example
 *   directory.get('1733_127.0.0.1_52110')?.clientVersion // 'Nacos-Java-Client:v2.3.2'
 *   directory.reset('1733_127.0.0.1_52110')              // true: ConnectResetRequest sent
 */
export interface ConnectionDirectory {
  list(): ConnectionSnapshot[];
  get(connectionId: string): ConnectionSnapshot | undefined;
  /**
   * Sends the connection's client a `ConnectResetRequest`; when the client then ends the connection, the end is
   * journaled `reset-requested`. False when no such connection is open.
   */
  reset(connectionId: string, redirect?: RedirectTarget): boolean;
}

/** The directory of a server without gRPC: no connections. */
export const NO_CONNECTIONS: ConnectionDirectory = {
  list: () => [],
  get: () => undefined,
  reset: () => false,
};
