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
