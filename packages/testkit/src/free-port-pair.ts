import { createServer } from 'node:net';

/** A loopback port p such that p and p + 1000 are free now (a Nacos 2.x client dials the HTTP port + 1000). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort(0);
    if (port > 64_000) continue;
    if (
      await freePort(port + 1000).then(
        () => true,
        () => false,
      )
    )
      return port;
  }
  throw new Error('no free port pair p, p + 1000 on 127.0.0.1');
}

function freePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}
