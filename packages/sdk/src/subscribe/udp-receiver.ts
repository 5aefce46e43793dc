import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parseListAnswer } from '../transport/list-answer.js';
import type { ListAnswer } from '../transport/naming-transport.js';
import type { ClientLogger } from '../types.js';

/** A pushed list: `name` is the grouped service name, `clusters` the filter the subscriber polled with. */
export type PushHandler = (groupedName: string, clusters: string, answer: ListAnswer) => void;

const MAX_PACKET_BYTES = 64 * 1024;

/**
 * Receives Nacos v1 UDP pushes (`{"type":"dom","data":"<ServiceInfo JSON>","lastRefTime":n}`, gzip when large)
 * and acknowledges each with `{"type":"push-ack","lastRefTime":n,"data":""}` so the server stops resending.
 */
export class UdpReceiver {
  private socket: dgram.Socket | undefined;
  private ready: Promise<number> | undefined;

  constructor(
    private readonly bindAddress: string,
    private readonly onPush: PushHandler,
    private readonly logger: ClientLogger,
  ) {}

  /** Binds once; resolves with the UDP port to announce. */
  port(): Promise<number> {
    this.ready ??= new Promise<number>((resolve, reject) => {
      const socket = dgram.createSocket(isIP(this.bindAddress) === 6 ? 'udp6' : 'udp4');
      this.socket = socket;
      socket.once('error', reject);
      socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
      socket.bind(0, this.bindAddress, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.logger.warn?.(`UDP push socket error: ${err.message}`));
        socket.unref();
        resolve(socket.address().port);
      });
    });
    return this.ready;
  }

  close(): void {
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    let text: string;
    try {
      text = (msg[0] === 0x1f && msg[1] === 0x8b ? gunzipSync(msg, { maxOutputLength: 16 * MAX_PACKET_BYTES }) : msg).toString('utf8');
    } catch {
      this.logger.debug?.('ignored an undecodable UDP packet', { from: rinfo.address });
      return;
    }
    // Echo lastRefTime as its digits: it can be a nanosecond clock beyond what a JS number holds exactly.
    const refTime = /"lastRefTime"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? '0';
    let packet: { type?: unknown; data?: unknown };
    try {
      packet = JSON.parse(text) as typeof packet;
    } catch {
      return;
    }
    if (packet.type === 'dom' || packet.type === 'service') {
      try {
        const data = String(packet.data ?? '');
        const info = JSON.parse(data) as { name?: unknown; dom?: unknown; clusters?: unknown };
        this.onPush(String(info.name ?? info.dom ?? ''), String(info.clusters ?? ''), parseListAnswer(data));
      } catch (error) {
        this.logger.debug?.(`ignored a malformed push: ${(error as Error).message}`);
        return; // no ack: the server resends, and the next poll corrects the list anyway
      }
      this.reply(`{"type":"push-ack","lastRefTime":${refTime},"data":""}`, rinfo);
    } else {
      this.reply(`{"type":"unknown-ack","lastRefTime":${refTime},"data":""}`, rinfo);
    }
  }

  private reply(text: string, to: dgram.RemoteInfo): void {
    this.socket?.send(text, to.port, to.address, (err) => {
      if (err) this.logger.debug?.(`push ack not sent: ${err.message}`);
    });
  }
}
