// Free-port finder for the integration bench (Kamailio, SIPp, baresip all on
// 127.0.0.1). The kernel hands out a free port when we bind to port 0; we
// hold it only long enough to learn its number, so a port could in principle
// be taken again before the child binds it. To keep concurrent tests in this
// process from colliding, every port handed out is remembered and never
// returned twice.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export const LOOPBACK = '127.0.0.1';

/** Which protocols a port must be free for. */
export type PortProtocols = 'udp' | 'tcp' | 'udp+tcp';

const handedOut = new Set<number>();
const MAX_ATTEMPTS = 50;

function tcpPortFree(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function udpPortFree(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

async function portFree(port: number, protocols: PortProtocols): Promise<boolean> {
  if (protocols !== 'tcp' && (await udpPortFree(port)) === undefined) return false;
  if (protocols !== 'udp' && (await tcpPortFree(port)) === undefined) return false;
  return true;
}

/**
 * A port on 127.0.0.1 that is currently free for the given protocols (both
 * by default: a SIP listener usually takes the same number on UDP and TCP).
 */
export async function freePort(protocols: PortProtocols = 'udp+tcp'): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const candidate =
      protocols === 'udp' ? await udpPortFree(0) : await tcpPortFree(0);
    if (candidate === undefined || handedOut.has(candidate)) continue;
    if (protocols === 'udp+tcp' && !(await portFree(candidate, 'udp'))) continue;
    handedOut.add(candidate);
    return candidate;
  }
  throw new Error(`no free ${protocols} port on ${LOOPBACK} after ${MAX_ATTEMPTS} attempts`);
}

/**
 * A base port P such that P, P+step, … (count ports) are all free, e.g. for
 * SIPp's media sockets, which take -mp and -mp+2.
 */
export async function freePortRun(
  count: number,
  step: number,
  protocols: PortProtocols = 'udp',
): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const base = await freePort(protocols);
    const rest = Array.from({ length: count - 1 }, (_, i) => base + (i + 1) * step);
    if (rest.some((p) => p > 65535 || handedOut.has(p))) continue;
    const free = await Promise.all(rest.map((p) => portFree(p, protocols)));
    if (free.every(Boolean)) {
      for (const p of rest) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`no run of ${count} free ${protocols} ports (step ${step}) on ${LOOPBACK}`);
}
