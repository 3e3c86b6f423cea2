import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small Miro-style platform over real HTTP on 127.0.0.1: a token endpoint that rotates refresh
 * tokens and treats reuse of a rotated one as theft (the whole family dies, as RFC 9700 §4.14.2
 * asks), and the bits of the REST API the client calls. Strict on purpose: a client that refreshes
 * twice with one refresh token, forgets PKCE or sends a stale token gets caught.
 */

export interface FakePlatformOptions {
  clientId?: string;
  clientSecret?: string | undefined;
  /** `expires_in` of issued access tokens; `undefined` issues non-expiring tokens without refresh tokens. */
  expiresIn?: number | undefined;
  /** Delay before answering a refresh, so concurrent callers really overlap. */
  refreshDelayMs?: number;
}

interface Family {
  userId: string;
  teamId: string;
  scope: string;
  revoked: boolean;
}

interface AccessToken {
  family: Family;
  expiresAt: number | undefined;
}

interface RefreshToken {
  family: Family;
  rotated: boolean;
}

interface Code {
  redirectUri: string;
  codeChallenge: string | undefined;
  userId: string;
  teamId: string;
  used: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export class FakePlatform {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  url = '';
  expiresIn: number | undefined;
  refreshDelayMs: number;
  /** Token endpoint calls with grant_type=refresh_token, including refused ones. */
  refreshRequests = 0;
  codeExchanges = 0;
  readonly requests: RecordedRequest[] = [];
  /** What `GET /v2/boards` pages through. */
  boards: { id: string; type: string; name: string; description: string }[] = [
    { id: 'uXjVOD6LSME=', type: 'board', name: 'Board', description: '' },
  ];
  /** What `GET /v2/boards/{id}/items` pages through. */
  items: { id: string; type: string; data: Record<string, unknown> }[] = [{ id: '1', type: 'sticky_note', data: {} }];
  /** When set, the token endpoint answers with this body (status 200) instead of a token response. */
  tokenResponseOverride: unknown;

  readonly #codes = new Map<string, Code>();
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();
  readonly #server = createServer((req, res) => void this.#handle(req, res));
  #counter = 0;

  constructor(options: FakePlatformOptions = {}) {
    this.clientId = options.clientId ?? '3458764500000000001';
    this.clientSecret = 'clientSecret' in options ? options.clientSecret : 'app-secret';
    this.expiresIn = 'expiresIn' in options ? options.expiresIn : 3600;
    this.refreshDelayMs = options.refreshDelayMs ?? 0;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** What the authorization page would do on "Allow": a code bound to the request's redirect URI and PKCE challenge. */
  approve(authorizationUrl: string, user = { userId: '3458764511111111111', teamId: '3458764522222222222' }) {
    const request = new URL(authorizationUrl);
    const code = `code-${randomBytes(12).toString('hex')}`;
    this.#codes.set(code, {
      redirectUri: request.searchParams.get('redirect_uri') ?? '',
      codeChallenge: request.searchParams.get('code_challenge') ?? undefined,
      userId: user.userId,
      teamId: user.teamId,
      used: false,
    });
    const callback = new URL(request.searchParams.get('redirect_uri') ?? '');
    callback.searchParams.set('code', code);
    const state = request.searchParams.get('state');
    if (state !== null) callback.searchParams.set('state', state);
    callback.searchParams.set('client_id', this.clientId);
    callback.searchParams.set('team_id', user.teamId);
    callback.searchParams.set('iss', this.url);
    return { code, callbackUrl: callback.href };
  }

  /** Issues a token family directly (as if a code exchange happened), for seeding stores. */
  issue(user = { userId: '3458764511111111111', teamId: '3458764522222222222' }) {
    const family: Family = { ...user, scope: 'boards:read boards:write', revoked: false };
    return this.#issue(family);
  }

  /** Makes every access token issued so far expired, as the server sees it. */
  expireAccessTokens(): void {
    for (const token of this.#access.values()) token.expiresAt = Date.now() - 1;
  }

  /** Revokes every grant (an uninstall). */
  revokeAll(): void {
    for (const token of this.#access.values()) token.family.revoked = true;
  }

  #issue(family: Family) {
    const n = ++this.#counter;
    const accessToken = `at-${n}-${randomBytes(8).toString('hex')}`;
    const expiring = this.expiresIn !== undefined;
    this.#access.set(accessToken, {
      family,
      expiresAt: expiring ? Date.now() + (this.expiresIn ?? 0) * 1000 : undefined,
    });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'bearer',
      scope: family.scope,
      user_id: family.userId,
      team_id: family.teamId,
    };
    if (expiring) {
      const refreshToken = `rt-${n}-${randomBytes(8).toString('hex')}`;
      this.#refresh.set(refreshToken, { family, rotated: false });
      body.expires_in = this.expiresIn;
      body.refresh_token = refreshToken;
    }
    return body as {
      access_token: string;
      refresh_token?: string;
      expires_in?: number;
      user_id: string;
      team_id: string;
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    try {
      if (req.method === 'POST' && url.pathname === '/v1/oauth/token') return await this.#token(req, body, res);
      if (req.method === 'POST' && url.pathname === '/v2/oauth/revoke') return this.#revoke(body, res);
      return this.#api(req, url, body, res);
    } catch (error) {
      send(res, 500, { status: 500, code: 'internalError', message: String(error), type: 'error' });
    }
  }

  async #token(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'expected a form body');
    }
    const params = new URLSearchParams(body);
    if (params.get('client_id') !== this.clientId || (params.get('client_secret') ?? undefined) !== this.clientSecret) {
      return oauthError(res, 401, 'invalid_client', 'client authentication failed');
    }
    if (this.tokenResponseOverride !== undefined) return send(res, 200, this.tokenResponseOverride);
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') {
      this.codeExchanges++;
      const code = this.#codes.get(params.get('code') ?? '');
      if (!code || code.used) return oauthError(res, 400, 'invalid_grant', 'invalid authorization code');
      code.used = true;
      if (params.get('redirect_uri') !== code.redirectUri) {
        return oauthError(res, 400, 'invalid_grant', 'redirect_uri mismatch');
      }
      if (code.codeChallenge !== undefined) {
        const verifier = params.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== code.codeChallenge) {
          return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
        }
      }
      const family: Family = {
        userId: code.userId,
        teamId: code.teamId,
        scope: 'boards:read boards:write',
        revoked: false,
      };
      return send(res, 200, this.#issue(family));
    }
    if (grantType === 'refresh_token') {
      this.refreshRequests++;
      if (this.refreshDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
      const token = this.#refresh.get(params.get('refresh_token') ?? '');
      if (!token || token.family.revoked) return oauthError(res, 400, 'invalid_grant', 'invalid refresh token');
      if (token.rotated) {
        token.family.revoked = true; // reuse of a rotated refresh token: the family is compromised
        return oauthError(res, 400, 'invalid_grant', 'refresh token reused');
      }
      token.rotated = true;
      for (const [value, access] of this.#access) if (access.family === token.family) this.#access.delete(value);
      return send(res, 200, this.#issue(token.family));
    }
    return oauthError(res, 400, 'unsupported_grant_type', 'unsupported grant_type');
  }

  #revoke(body: string, res: ServerResponse) {
    const { accessToken, clientId, clientSecret } = JSON.parse(body) as Record<string, string>;
    const token = accessToken === undefined ? undefined : this.#access.get(accessToken);
    if (clientId !== this.clientId || clientSecret !== this.clientSecret || !token || token.family.revoked) {
      return send(res, 404, { status: 404, code: 'notFound', message: 'Failed to revoke token', type: 'error' });
    }
    token.family.revoked = true;
    res.writeHead(204).end();
  }

  #authenticate(req: IncomingMessage, res: ServerResponse): AccessToken | undefined {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) {
      send(res, 401, { status: 401, code: 'tokenNotProvided', message: 'No token', type: 'error' });
      return undefined;
    }
    const token = this.#access.get(header.slice(7));
    if (!token || token.family.revoked) {
      send(res, 401, { status: 401, code: 'tokenInvalid', message: 'Invalid token', type: 'error' });
      return undefined;
    }
    if (token.expiresAt !== undefined && token.expiresAt <= Date.now()) {
      send(res, 401, { status: 401, code: 'tokenExpired', message: 'Access token has expired', type: 'error' });
      return undefined;
    }
    return token;
  }

  #api(req: IncomingMessage, url: URL, body: string, res: ServerResponse) {
    const token = this.#authenticate(req, res);
    if (!token) return;
    const { family } = token;
    const path = url.pathname;
    if (req.method === 'GET' && path === '/v1/oauth-token') {
      const entity = (type: string, id: string) => ({ type, id, name: `${type} ${id}` });
      return send(res, 200, {
        type: 'oAuthToken',
        organization: entity('organization', '1'),
        team: entity('team', family.teamId),
        createdBy: entity('user', family.userId),
        user: entity('user', family.userId),
        scopes: family.scope.split(' '),
        createdAt: new Date().toISOString(),
      });
    }
    if (req.method === 'GET' && path === '/v2/boards') {
      // Offset pagination over this.boards.
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const data = this.boards.slice(offset, offset + limit);
      const page = { data, total: this.boards.length, size: data.length, offset, limit, links: {}, type: 'list' };
      return send(res, 200, page);
    }
    if (req.method === 'POST' && path === '/v2/boards') {
      const changes = JSON.parse(body) as { name?: string };
      return send(res, 201, { id: 'uXjVNew=', type: 'board', name: changes.name ?? 'Untitled', description: '' });
    }
    const sticky = /^\/v2\/boards\/([^/]+)\/sticky_notes$/.exec(path);
    if (req.method === 'POST' && sticky) {
      const note = JSON.parse(body) as { data?: { content?: string } };
      return send(res, 201, { id: '3458764517517819000', type: 'sticky_note', data: { content: note.data?.content } });
    }
    if (req.method === 'GET' && /^\/v2\/boards\/[^/]+\/items$/.test(path)) {
      // Cursor pagination over this.items: the cursor is the next index.
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const data = this.items.slice(start, start + limit);
      const next = start + limit < this.items.length ? String(start + limit) : undefined;
      return send(res, 200, {
        data,
        total: this.items.length,
        size: data.length,
        limit,
        ...(next ? { cursor: next } : {}),
      });
    }
    if (req.method === 'DELETE' && /^\/v2\/boards\/[^/]+\/items\/[^/]+$/.test(path)) {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/v2/not-json') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    }
    if (req.method === 'GET' && path === '/v2/limited') {
      res.setHeader('retry-after', '7');
      return send(res, 429, {
        status: 429,
        code: 'tooManyRequests',
        message: 'Request rate limit exceed',
        type: 'error',
      });
    }
    send(res, 404, { status: 404, code: 'notFound', message: 'Not found', type: 'error' });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  send(res, status, {
    status,
    code: error,
    message: description,
    type: 'error',
    error,
    error_description: description,
  });
}

/** Starts a fake platform on an ephemeral port. */
export function startFakePlatform(options?: FakePlatformOptions): Promise<FakePlatform> {
  return new FakePlatform(options).start();
}
