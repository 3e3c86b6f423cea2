import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach in production (docs/security.md, SSRF): loopback, private,
 * link-local (cloud metadata), carrier-grade NAT, unspecified, multicast and reserved ranges.
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is one a production webhook may not reach. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Why a webhook URL is refused, or undefined when it is fine: https only (http only to loopback, and
 * only in development), no credentials or fragment, and in production no literal private address.
 * Host names are checked again when each delivery connects (the address they resolve to).
 */
export function webhookUrlProblem(raw: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (raw.length > 2000) return 'is longer than 2000 characters';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash) return 'must not have a fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (production) return 'must use https';
    if (!isLoopbackHost(url.hostname)) return 'must use https (http is allowed only for localhost in development)';
    return undefined;
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (
    production &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))
  ) {
    return 'must not point at a private or loopback address';
  }
  return undefined;
}
