/** One open gRPC connection as `GET /nacos/v1/cairn/connections` answers it. */
export interface ConnectionJson {
  /** Nacos's id, `<millis>_<ip>_<port>`. */
  connectionId: string;
  ip: string;
  port: number;
  /** e.g. `Nacos-Java-Client:v2.3.2`; `""` when the client did not say. */
  clientVersion: string;
  appName: string;
  namespace: string;
  /** The `module` label (`naming`, `config`); `""` when not sent. */
  module: string;
  labels: Record<string, string>;
  /** Epoch ms. */
  connectedSince: number;
  /** When the client last sent anything (epoch ms). */
  lastActive: number;
  /** The instances the connection holds. */
  published: Array<{ namespace: string; group: string; serviceName: string; ip: string; port: number; cluster: string }>;
  /** The services it subscribed with SubscribeServiceRequest. */
  subscribed: Array<{ namespace: string; group: string; serviceName: string; clusters: string }>;
}

export interface ConnectionsJson {
  count: number;
  connections: ConnectionJson[];
}
