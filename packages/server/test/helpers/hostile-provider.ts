import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** How the next token response lies; `honest` tells the truth. */
export type Lie =
  | 'honest'
  | 'wrong-nonce'
  | 'wrong-iss'
  | 'wrong-aud'
  | 'expired'
  | 'foreign-key'
  | 'tampered-payload'
  | 'alg-none';

export interface HostileAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/**
 * A small OpenID provider written for the tests, that can lie: it answers discovery, the
 * authorization endpoint (no login: it signs in `account` at once) and the token endpoint with an
 * ES256 id token built with jose, and can forge the token as `lie` says. Its keys rotate on demand.
 * It checks PKCE and the client's secret like an honest provider, so the forgeries are the only
 * difference the relying party has to catch.
 */
export async function startHostileProvider(client: { clientId: string; clientSecret: string }) {
  const server: Server = createServer((request, response) => {
    handle(request.method ?? 'GET', new URL(request.url ?? '/', issuer), request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let keys: { kid: string; privateKey: CryptoKey; publicJwk: JWK }[] = [];
  async function newKey() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = randomBytes(8).toString('hex');
    return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }
  keys = [await newKey()];

  const state = {
    account: { sub: 'hostile-1', email: 'eve@example.com', email_verified: true, name: 'Eve' } as HostileAccount,
    lie: 'honest' as Lie,
    /** Requests to the JWKS: the relying party fetched the keys again after a rotation. */
    jwksFetches: 0,
    /** The last authorization request's parameters, as the relying party sent them. */
    lastAuthorization: undefined as URLSearchParams | undefined,
  };
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; account: HostileAccount }>();

  function json(response: import('node:http').ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  }

  async function readBody(request: import('node:http').IncomingMessage): Promise<URLSearchParams> {
    let body = '';
    for await (const chunk of request) body += chunk;
    return new URLSearchParams(body);
  }

  async function idToken(grant: { nonce: string; account: HostileAccount }): Promise<string> {
    const key = keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      ...grant.account,
      nonce: state.lie === 'wrong-nonce' ? 'not-the-nonce' : grant.nonce,
    };
    let signingKey = key.privateKey;
    if (state.lie === 'foreign-key') signingKey = (await generateKeyPair('ES256')).privateKey;
    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(state.lie === 'wrong-iss' ? 'https://evil.example' : issuer)
      .setAudience(state.lie === 'wrong-aud' ? 'someone-else' : client.clientId)
      .setSubject(grant.account.sub)
      .setIssuedAt(state.lie === 'expired' ? now - 7200 : now)
      .setExpirationTime(state.lie === 'expired' ? now - 3600 : now + 300)
      .sign(signingKey);
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    if (state.lie === 'tampered-payload') {
      const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else-entirely' };
      return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
    }
    if (state.lie === 'alg-none') {
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return `${none}.${payload}.`;
    }
    return jwt;
  }

  async function handle(
    method: string,
    url: URL,
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) {
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') {
      state.jwksFetches++;
      return json(response, 200, { keys: keys.map((k) => k.publicJwk) });
    }
    if (url.pathname === '/authorize' && method === 'GET') {
      const params = url.searchParams;
      state.lastAuthorization = params;
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        nonce: params.get('nonce') ?? '',
        challenge: params.get('code_challenge') ?? '',
        redirectUri: params.get('redirect_uri') ?? '',
        account: state.account,
      });
      const back = new URL(params.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', params.get('state') ?? '');
      response.writeHead(303, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/token' && method === 'POST') {
      const form = await readBody(request);
      // RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined and base64-encoded.
      const basic = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [id, secret] = basic.split(':').map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
      if (id !== client.clientId || secret !== client.clientSecret)
        return json(response, 401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (
        !grant ||
        grant.redirectUri !== form.get('redirect_uri') ||
        createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
      ) {
        return json(response, 400, { error: 'invalid_grant' });
      }
      return json(response, 200, {
        access_token: randomBytes(16).toString('base64url'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: await idToken(grant),
      });
    }
    response.writeHead(404).end();
  }

  return {
    issuer,
    state,
    /** Publishes the next signing key beside the current one (OIDC Core §10.1.1), still signing with the current. */
    async announceKey() {
      keys = [...keys, await newKey()];
    },
    /** Retires the current key: the announced one signs from now on. */
    retireKey() {
      if (keys.length > 1) keys = keys.slice(1);
    },
    /** A new signing key replaces the old one at once, unannounced. */
    async rotateKeys() {
      keys = [await newKey()];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
