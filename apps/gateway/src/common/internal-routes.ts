import { BlockList, isIP } from 'node:net';
import type { HttpRequest, HttpResponse } from './http';

/** Networks GATEWAY_INTERNAL_FROM may name by word. */
const NAMED: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  private: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

/** GATEWAY_INTERNAL_FROM as an address list: `loopback`, `private`, addresses and subnets, comma-separated. */
export function internalClients(raw: string): BlockList {
  const list = new BlockList();
  for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const named = Object.hasOwn(NAMED, part) ? NAMED[part] : undefined;
    if (named) {
      for (const [network, prefix, family] of named) list.addSubnet(network, prefix, family);
      continue;
    }
    const [address, bits] = part.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family === 0) throw new Error(`GATEWAY_INTERNAL_FROM: "${part}" is not loopback, private, an address or a subnet`);
    if (bits === undefined) list.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
    else list.addSubnet(address, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Paths for the deployment, not for users: Prometheus text and the all-in-one's inner apps (their health, metrics, failed jobs). */
const isInternalPath = (path: string): boolean => path === '/metrics' || path.startsWith('/metrics/') || path.startsWith('/internal/') || path === '/internal';

/**
 * Answers /metrics and /internal/* only to clients in the allowed networks;
 * everyone else gets the 404 of a route that does not exist. The client is
 * the TCP peer, or the forwarded client behind a trusted proxy.
 */
export function internalRoutesGuard(allowed: BlockList) {
  return (req: HttpRequest & { ip?: string; socket?: { remoteAddress?: string } }, res: HttpResponse, next: () => void): void => {
    if (!isInternalPath(req.path)) return next();
    const raw = req.ip ?? req.socket?.remoteAddress ?? '';
    const address = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)?.[1] ?? raw;
    const family = isIP(address);
    if (family !== 0 && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) return next();
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${req.method} ${req.path}`, field: null });
  };
}
