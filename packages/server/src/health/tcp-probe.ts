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
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      finish({ ok: true, failNow: false });
    });
    socket.once('error', (error) => {
      const code = errorCode(error);
      finish({ ok: false, failNow: code === 'ECONNREFUSED', error: code });
    });
    // A probe that got its answer closes with a reset, as load balancers' TCP checks do: no FIN exchange and no
    // TIME_WAIT socket left on the server for each of thousands of probes a second.
    return () => (connected ? socket.resetAndDestroy() : socket.destroy());
  });
}
