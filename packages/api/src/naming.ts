/**
 * One instance as Nacos's naming API shows it (v1 list `hosts`, v2 instance list, instance detail). The server
 * writes it, the SDK and the console read it.
 */
export interface NacosInstance {
  /** `ip#port#cluster#group@@service`. */
  instanceId: string;
  ip: string;
  port: number;
  weight: number;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  clusterName: string;
  /** The grouped name, `group@@service`. */
  serviceName: string;
  metadata: Record<string, string>;
  /** Milliseconds, after `preserved.*` metadata and operator overrides. */
  instanceHeartBeatInterval: number;
  instanceHeartBeatTimeOut: number;
  ipDeleteTimeout: number;
  instanceIdGenerator: string;
}

/** The beat answer of `PUT /v1/ns/instance/beat` (and the v2 beat, which Nacos leaves unwrapped). */
export interface NacosBeatAnswer {
  /** 10200 = applied; 20404 = the server does not know the instance: register it again. */
  code: number;
  clientBeatInterval: number;
  lightBeatEnabled: boolean;
}
