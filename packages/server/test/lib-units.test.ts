import { hkdfSync } from 'node:crypto';
import { parseScopeList } from '@grantboard/protocol';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { matchRedirectUri, redirectUriProblem } from '../src/domain/redirect-uri.js';
import { lazyChildLogger, redactUrl } from '../src/lib/log.js';
import { isValidVerifier, s256, verifierMatches } from '../src/lib/pkce.js';
import { deriveKey, open, seal } from '../src/lib/sealed-box.js';
import { digest, isWellFormedToken, mintToken, tokenKey, tokenKind } from '../src/lib/tokens.js';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of Appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(
      verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).toBe(true);
  });
  it('accepts 43 to 128 unreserved characters only (§4.1)', () => {
    expect(isValidVerifier('a'.repeat(43))).toBe(true);
    expect(isValidVerifier('a'.repeat(42))).toBe(false);
    expect(isValidVerifier('a'.repeat(129))).toBe(false);
    expect(isValidVerifier(`${'a'.repeat(42)}+`)).toBe(false);
  });
});

describe('token values', () => {
  it('carry a prefix, the issue time, 256 random bits and a checksum that catches a typo', () => {
    const before = Date.now();
    const token = mintToken('refresh');
    expect(token).toMatch(/^gbr_[A-Za-z0-9_-]{57}$/);
    const issuedAt = Buffer.from(token.slice(4, 12), 'base64url').readUIntBE(0, 6);
    expect(issuedAt).toBeGreaterThanOrEqual(before);
    expect(issuedAt).toBeLessThanOrEqual(Date.now());
    expect(isWellFormedToken(token, 'refresh')).toBe(true);
    expect(isWellFormedToken(token, 'access')).toBe(false);
    expect(tokenKind(token)).toBe('refresh');
    const typo = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    expect(isWellFormedToken(typo, 'refresh')).toBe(false);
    expect(isWellFormedToken(token.slice(0, 12) + token.slice(20), 'refresh')).toBe(false);
  });

  it('are stored under a key that sorts by issue time, then by digest', async () => {
    const first = mintToken('access');
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = mintToken('access');
    const [a, b] = [tokenKey(first), tokenKey(second)];
    expect(a < b).toBe(true);
    expect(a).toBe(Buffer.from(first.slice(4, 12), 'base64url').toString('hex') + digest(first));
    expect(digest(first)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A value without an issue time (an earlier version's token, a JWT) keeps its bare digest.
    expect(tokenKey('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln')).toBe(
      digest('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'),
    );
  });
});

describe('sealed box', () => {
  it('derives keys exactly as HKDF-SHA256 with an empty salt (RFC 5869)', () => {
    for (const root of [Buffer.alloc(32, 7), 'gbr_some-refresh-token']) {
      expect(deriveKey(root, 'refresh replay')).toEqual(
        Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'grantboard refresh replay', 32)),
      );
    }
  });
  it('opens only with the same key and associated data', () => {
    const key = deriveKey(Buffer.alloc(32, 1), 'test');
    const sealed = seal(key, 'secret', 'app-1');
    expect(open(key, sealed, 'app-1')).toBe('secret');
    expect(open(key, sealed, 'app-2')).toBeUndefined();
    expect(open(deriveKey(Buffer.alloc(32, 2), 'test'), sealed, 'app-1')).toBeUndefined();
    const [version, payload] = sealed.split('.');
    const raw = Buffer.from(payload ?? '', 'base64url');
    for (const at of [0, 12, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      expect(open(key, `${version}.${tampered.toString('base64url')}`, 'app-1')).toBeUndefined();
    }
  });
});

describe('scope lists (RFC 6749 §3.3)', () => {
  it('parses space-delimited scope tokens and refuses malformed ones', () => {
    expect(parseScopeList('boards:read boards:write boards:read')).toEqual(['boards:read', 'boards:write']);
    expect(parseScopeList('boards:read  boards:write')).toBeUndefined();
    expect(parseScopeList('a"b')).toBeUndefined();
    expect(parseScopeList('')).toEqual([]);
  });
});

describe('redirect URIs', () => {
  it('match exactly, except the port of a loopback IP (RFC 8252 §7.3)', () => {
    const registered = ['https://app.example/cb', 'http://127.0.0.1/native'];
    expect(matchRedirectUri(registered, 'https://app.example/cb')).toBe(true);
    expect(matchRedirectUri(registered, 'https://app.example/cb/')).toBe(false);
    expect(matchRedirectUri(registered, 'https://APP.example/cb')).toBe(false);
    expect(matchRedirectUri(registered, 'http://127.0.0.1:8123/native')).toBe(true);
    expect(matchRedirectUri(registered, 'http://localhost:8123/native')).toBe(false);
    expect(matchRedirectUri(registered, 'http://127.0.0.1:8123/native?x=1')).toBe(false);
  });
  it('are registered only over https, loopback http or a private-use scheme', () => {
    expect(redirectUriProblem('https://a.example/cb')).toBeUndefined();
    expect(redirectUriProblem('http://localhost:3000/cb')).toBeUndefined();
    expect(redirectUriProblem('com.example.app:/cb')).toBeUndefined();
    expect(redirectUriProblem('http://a.example/cb')).toMatch(/https/);
    expect(redirectUriProblem('https://a.example/cb#x')).toMatch(/fragment/);
    expect(redirectUriProblem('javascript:alert(1)')).toMatch(/javascript/);
  });
});

describe('per-request logger (made only when a request logs)', () => {
  async function logsOf(
    level: string,
    route: (log: { info: (m: string) => void; debug: (m: string) => void }) => void,
  ) {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level, stream }, childLoggerFactory: lazyChildLogger });
    app.get('/', async (request) => {
      route(request.log);
      return 'ok';
    });
    const response = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    return { response, lines };
  }

  it('writes what a request logs at an enabled level, with its request id', async () => {
    const { response, lines } = await logsOf('info', (log) => {
      log.info('from the handler');
      log.debug('not at info');
    });
    expect(response.statusCode).toBe(200);
    const own = lines.filter((line) => line.msg === 'from the handler');
    expect(own).toHaveLength(1);
    expect(own[0]!.reqId).toBe('req-1');
    expect(lines.some((line) => line.msg === 'not at info')).toBe(false);
    // Fastify's own request lines go through the same child.
    expect(lines.find((line) => line.msg === 'incoming request')?.reqId).toBe('req-1');
  });

  it('writes nothing below the level', async () => {
    const { lines } = await logsOf('warn', (log) => log.info('quiet'));
    expect(lines).toEqual([]);
  });
});

describe('log redaction', () => {
  it('hides the values of secret parameters and keeps the rest', () => {
    expect(redactUrl('/v1/oauth/token?grant_type=refresh_token&refresh_token=gbr_x&client_secret=s&client_id=1')).toBe(
      '/v1/oauth/token?grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]&client_id=1',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('redacts secrets nested in a parameter that carries a URL (the sign-in page’s return_to)', () => {
    const authorize = '/oauth/authorize?client_id=1&state=s3cr3t-state&code_challenge=abc';
    const redirected = '/demo/callback?code=gbc_secretcode&state=s3cr3t-state';
    const line = redactUrl(
      `/sign-in?return_to=${encodeURIComponent(authorize)}&next=${encodeURIComponent(`/x?return_to=${encodeURIComponent(redirected)}`)}`,
    );
    expect(line).not.toContain('s3cr3t');
    expect(line).not.toContain('secretcode');
    expect(decodeURIComponent(new URLSearchParams(line.split('?').slice(1).join('?')).get('return_to')!)).toContain(
      'client_id=1',
    );
  });
});
