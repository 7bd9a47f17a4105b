/**
 * Free TCP ports on 127.0.0.1 for the processes that tests, the benchmark and the launchers start.
 *
 * A port is drawn at random from 20000–32767, below the kernel's ephemeral range (32768–60999 here,
 * /proc/sys/net/ipv4/ip_local_port_range): a port chosen here is therefore never taken in the meantime by an
 * outgoing connection's local port, nor by a server that asks the kernel for "any free port" (the Temporal dev
 * server does so for its internal services). Two suites drawing at once collide only by chance (1 in ~12,000), and
 * a port handed out once is never handed out again by the same process. A port counts as free when it can be bound.
 */
import net from 'node:net';

const LOW = 20000;
const HIGH = 32767;
const handedOut = new Set<number>();

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(p)) continue;
    if (await canBind(p, host)) {
      handedOut.add(p);
      return p;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host}`);
}
