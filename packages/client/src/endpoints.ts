/** Base URLs and the paths under them, as Miro has them (wire spec §1–§3). */

/** Miro's authorization UI origin, the default `authBaseUrl`. */
export const MIRO_AUTH_BASE_URL = 'https://miro.com';
/** Miro's API origin, the default `apiBaseUrl`. */
export const MIRO_API_BASE_URL = 'https://api.miro.com';

/** Paths of the endpoints the client calls (copied from `@grantboard/protocol`'s `PATHS`, which is runtime code). */
export const CLIENT_PATHS = {
  authorize: '/oauth/authorize',
  token: '/v1/oauth/token',
  tokenContext: '/v1/oauth-token',
  revokeV2: '/v2/oauth/revoke',
  revokeRfc7009: '/oauth/revoke',
} as const;

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * Checks a base URL and returns it without a trailing slash. Tokens and client secrets travel to
 * these URLs, so plain `http` is refused except on loopback (RFC 6749 §10.9, RFC 9700 §2.6) unless
 * the app opts out.
 */
export function normalizeBaseUrl(name: string, value: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} is not an absolute URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${name} must be an http(s) URL`);
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopback(url.hostname)) {
    throw new TypeError(`${name} must use https (plain http is only allowed on loopback, or with allowInsecureHttp)`);
  }
  if (url.search !== '' || url.hash !== '') throw new TypeError(`${name} must not have a query or fragment`);
  // Keep a path prefix (the official Node client silently drops it): http://host/prefix + /v2/boards.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `base` + `path`, where `path` is an absolute path of the wire surface. */
export function endpoint(base: string, path: string): string {
  return `${base}${path}`;
}
