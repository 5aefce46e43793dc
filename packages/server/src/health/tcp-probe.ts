import type { ProbeTarget, ProbeResult } from '@cairn/core';
import { connect } from 'node:net';
import { errorCode, runProbe } from './probe.js';

/**
 * TCP: a connection that opens is a pass. A refused connection is a definite failure (nothing listens there) and
 * flips health at once; a timeout or a network error (unreachable host) is an ordinary failure, as in Nacos.
 */
export function tcpProbe(target: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  return runProbe(target, timeoutMs, signal, (finish) => {
    const socket = connect({ host: target.ip, port: target.port });
    socket.once('connect', () => finish({ ok: true, failNow: false }));
    socket.once('error', (error) => {
      const code = errorCode(error);
      finish({ ok: false, failNow: code === 'ECONNREFUSED', error: code });
    });
    return () => socket.destroy();
  });
}
