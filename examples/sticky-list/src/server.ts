import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errors, jwtVerify } from 'jose';

/** What the example needs to know: where Grantboard is, where it runs itself, and its credentials. */
export interface StickyListOptions {
  /** The Grantboard server the board runs on, e.g. `http://localhost:3000`. */
  grantboardUrl: string;
  /** This app's own address, e.g. `http://localhost:4100`: the redirect URI is `${publicUrl}/callback`. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
  /** `iss` of the id tokens; `miro` unless the Grantboard server sets ID_TOKEN_ISSUER. */
  idTokenIssuer?: string;
}

/** The REST token a user's install gave the back end (wire spec §7.2), per user and team. */
interface StoredToken {
  accessToken: string;
  scope: string;
}

const PUBLIC_DIR = new URL('../public/', import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/headless.js': { file: 'headless.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * The example's back end: serves the static app (which runs in a Grantboard board's iframe), finishes
 * the OAuth code flow that runs alongside the install, and answers `/api/me` for a caller that
 * proves who it is with a Web SDK id token, verified with jose and the client secret.
 */
export function createStickyListServer(options: StickyListOptions): {
  server: Server;
  tokens: Map<string, StoredToken>;
} {
  const grantboard = new URL(options.grantboardUrl).origin;
  const secret = new TextEncoder().encode(options.clientSecret);
  const tokens = new Map<string, StoredToken>();

  /** `index.html` is the App URL (headless); `panel.html` is what the icon opens. */
  async function page(response: ServerResponse, name: 'index.html' | 'panel.html'): Promise<void> {
    const template = await readFile(new URL(name, PUBLIC_DIR), 'utf8');
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The app runs only framed by the board; its scripts come from here and the SDK from Grantboard.
      'content-security-policy': `default-src 'self'; script-src 'self' ${grantboard}; frame-ancestors ${grantboard}; base-uri 'none'; form-action 'self'`,
    });
    response.end(template.replaceAll('{{GRANTBOARD_URL}}', escapeHtml(grantboard)));
  }

  /** The redirect URI "for SDK authorization": exchange the code, keep the token, send the browser back. */
  async function callback(url: URL, response: ServerResponse): Promise<void> {
    const code = url.searchParams.get('code');
    const teamId = url.searchParams.get('team_id') ?? '';
    if (!code) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Authorization ended: ${url.searchParams.get('error') ?? 'no code'}`);
      return;
    }
    const exchange = await fetch(`${grantboard}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: options.clientId,
        client_secret: options.clientSecret,
        code,
        redirect_uri: `${options.publicUrl}/callback`,
      }),
    });
    const body = (await exchange.json()) as {
      access_token?: string;
      scope?: string;
      user_id?: string;
      team_id?: string;
    };
    if (!exchange.ok || !body.access_token || !body.user_id || !body.team_id) {
      response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('The code exchange failed.');
      return;
    }
    tokens.set(`${body.user_id}:${body.team_id}`, { accessToken: body.access_token, scope: body.scope ?? '' });
    const completed = new URL('/app-install-completed', grantboard);
    completed.search = new URLSearchParams({ client_id: options.clientId, team_id: body.team_id || teamId }).toString();
    response.writeHead(302, { location: completed.href });
    response.end();
  }

  /** Who is calling, from the id token; and, with the REST token the install gave us, how many boards they see. */
  async function me(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1]) return json(response, 401, { error: 'Send the Web SDK id token as a Bearer token.' });
    let claims: { sub?: string; user?: unknown; team?: unknown; exp?: number };
    try {
      ({ payload: claims } = await jwtVerify(match[1], secret, {
        algorithms: ['HS256'],
        issuer: options.idTokenIssuer ?? 'miro',
        subject: options.clientId,
      }));
    } catch (error) {
      const reason = error instanceof errors.JOSEError ? error.code : 'invalid';
      return json(response, 401, { error: `The id token did not verify (${reason}).` });
    }
    if (typeof claims.user !== 'string' || typeof claims.team !== 'string') {
      return json(response, 401, { error: 'The id token names no user or team.' });
    }
    const stored = tokens.get(`${claims.user}:${claims.team}`);
    let boards: number | null = null;
    if (stored) {
      const list = await fetch(`${grantboard}/v2/boards?limit=1`, {
        headers: { authorization: `Bearer ${stored.accessToken}` },
      });
      if (list.ok) boards = ((await list.json()) as { total: number }).total;
    }
    return json(response, 200, {
      verified: true,
      clientId: claims.sub,
      user: claims.user,
      team: claims.team,
      expiresAt: new Date((claims.exp ?? 0) * 1000).toISOString(),
      restToken: stored ? { scope: stored.scope, boards } : null,
    });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', options.publicUrl);
    const handle = async () => {
      if (request.method === 'GET' && url.pathname === '/') return page(response, 'index.html');
      if (request.method === 'GET' && url.pathname === '/panel.html') return page(response, 'panel.html');
      if (request.method === 'GET' && url.pathname === '/callback') return callback(url, response);
      if (request.method === 'GET' && url.pathname === '/api/me') return me(request, response);
      const file = request.method === 'GET' ? FILES[url.pathname] : undefined;
      if (file) {
        response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
        response.end(await readFile(new URL(file.file, PUBLIC_DIR)));
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found');
    };
    handle().catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Something went wrong.');
    });
  });
  return { server, tokens };
}
