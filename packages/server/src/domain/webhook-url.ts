import { isIP } from 'node:net';
import { isForbiddenAddress } from '../lib/forbidden-addresses.js';

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
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isForbiddenAddress(host)))
  ) {
    return 'must not point at a private or loopback address';
  }
  return undefined;
}
