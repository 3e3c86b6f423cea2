import { shorten } from './app-text.js';

/**
 * Redirect URI rules. Registration: absolute, no fragment, https — or http only for loopback and
 * localhost development (RFC 9700 §2.6, RFC 8252 §7.3), or a private-use scheme for native apps.
 * Matching: exact string comparison (RFC 9700 §4.1.3), except that a loopback IP literal may use any
 * port (RFC 8252 §7.3).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return 'is longer than 2000 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash || uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (url.username || url.password) return 'must not contain user information';
  const host = hostProblem(url);
  if (host) return host;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) || url.hostname === 'localhost'
      ? undefined
      : 'must use https (http is allowed for loopback and localhost only)';
  }
  if (/^(javascript|data|vbscript|file|blob):$/.test(url.protocol)) return `must not use the ${url.protocol} scheme`;
  // Private-use URI schemes of native apps (RFC 8252 §7.1) use a reverse domain name with a dot.
  return url.protocol.includes('.')
    ? undefined
    : 'must use https, loopback http, or a reverse-domain private-use scheme';
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

/**
 * A host is a DNS name (RFC 1123 §2.1 letters, digits and hyphens, after the URL parser's lowercasing
 * and IDNA), an IPv4 literal (the parser writes it dotted-decimal) or an IPv6 literal — nothing else.
 * The URL parser lets `;`, `,`, quotes and `*` through in a host, and a registered origin reaches the
 * pages' Content-Security-Policy (form-action, frame-src, img-src): a host that is not a hostname
 * could add a directive there (docs/security.md).
 */
export function hostProblem(url: URL): string | undefined {
  const host = url.hostname;
  if (host === '') return undefined;
  if (host.includes('*')) return 'must name one host: wildcards are not allowed';
  if (IPV6_LITERAL.test(host)) return undefined;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) {
    return `has a host that is not a hostname or IP address ('${shorten(host, 40)}')`;
  }
  return undefined;
}

/**
 * The web links of an app's identity (homepage, privacy policy, terms): https, or http on localhost and
 * loopback for development; a hostname as host; no user information. `path` also accepts an absolute
 * path on Grantboard's own origin (`/…`, never `//…`), for a logo served by Grantboard.
 */
export function webLinkProblem(value: string, options: { path?: boolean } = {}): string | undefined {
  if (value.length > 2000) return 'is longer than 2000 characters';
  if (options.path && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) {
    return /^\/[\x21-\x7e]*$/.test(value) ? undefined : 'must not contain spaces or control characters';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return options.path ? 'is neither an absolute URL nor a path starting with /' : 'is not an absolute URL';
  }
  if (url.username || url.password) return 'must not contain user information';
  const host = hostProblem(url);
  if (host) return host;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && (isLoopbackHost(url.hostname) || url.hostname === 'localhost')) return undefined;
  return 'must use https (http is allowed for localhost and loopback only)';
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]';
}

/** Whether `requested` is one of `registered`, by the rules above. */
export function matchRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return false;
  return registered.some((candidate) => {
    const other = new URL(candidate);
    return (
      other.protocol === 'http:' &&
      other.hostname === url.hostname &&
      other.pathname === url.pathname &&
      other.search === url.search &&
      withoutPort(candidate) === withoutPort(requested)
    );
  });
}

function withoutPort(uri: string): string {
  const url = new URL(uri);
  url.port = '';
  return url.href;
}
