import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook may not reach: this host, private networks, link-local (cloud metadata), shared, multicast, reserved. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL.addSubnet(network, prefix, 'ipv6');

/** Why this IP address is not a webhook target, or null when it may be one. */
export function internalAddressReason(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip);
  if (family === 0) return null;
  return INTERNAL.check(ip, family === 4 ? 'ipv4' : 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : null;
}

/** What is wrong with a webhook URL as written (scheme, a host that names this machine or a private address), or null. */
export function webhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must be an http(s) URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  const reason = internalAddressReason(host);
  return reason ? `url may not point at ${reason}` : null;
}

/**
 * Checks a webhook URL where it is sent: as written, and every address its
 * host name resolves to now (a public name may point at an internal address).
 */
export async function webhookTargetProblem(url: string, resolve: (host: string) => Promise<Array<{ address: string }>> = (host) => lookup(host, { all: true })): Promise<string | null> {
  const written = webhookUrlProblem(url);
  if (written) return written;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  for (const { address } of await resolve(host)) {
    const reason = internalAddressReason(address);
    if (reason) return `${host} resolves to ${reason}`;
  }
  return null;
}
