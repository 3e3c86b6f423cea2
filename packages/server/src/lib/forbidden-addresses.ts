import { BlockList, isIP } from 'node:net';

/**
 * Addresses a request the server makes on someone's behalf must never reach (SSRF, RFC 9700 §4.15;
 * client ID metadata documents and webhooks, docs/security.md): loopback, private, link-local, shared,
 * multicast and reserved ranges, in IPv4 and IPv6 (with IPv4-mapped forms).
 */
const BLOCKED = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
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
    list.addSubnet(network, prefix, 'ipv4');
  }
  // IPv4-mapped addresses (::ffff:a.b.c.d) are checked as the IPv4 address they carry.
  for (const [network, prefix] of [
    ['::', 127],
    ['64:ff9b::', 96],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
})();

/** Whether an IP address is one the server must not reach on someone's behalf (not an IP: true). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return BLOCKED.check(mapped[1], 'ipv4');
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
