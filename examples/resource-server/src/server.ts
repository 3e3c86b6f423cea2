import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

/** Where the tokens come from and who this API is. */
export interface ResourceServerOptions {
  /** Grantboard's issuer (its `PUBLIC_URL`), e.g. `http://localhost:3000`. */
  issuer: string;
  /** This API's identifier, as registered in Grantboard: the `aud` its tokens carry. */
  audience: string;
  /** The scope `GET /reports` needs. */
  readScope: string;
  /**
   * How long after one refetch of the JWKS an unknown `kid` may trigger the next (jose's
   * `cooldownDuration`, 30 s by default). Grantboard publishes the next key ahead of its turn, so a
   * rotation needs no refetch of its own.
   */
  jwksCooldownMs?: number;
  /** The current time, for tests that move the authorization server's clock. */
  now?: () => Date;
}

/** The claims an RFC 9068 access token from Grantboard carries. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
}

/** Why a token was refused, in RFC 6750 §3.1 words. */
export class TokenRefused extends Error {
  constructor(
    readonly error: 'invalid_token' | 'insufficient_scope',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies a Grantboard JWT access token as RFC 9068 §4 says: signature with a key from the issuer's
 * `jwks_uri` (discovered from its RFC 8414 metadata), `typ` `at+jwt`, `iss`, `aud` (this API), `exp`.
 */
export async function createVerifier(options: ResourceServerOptions) {
  const metadata = (await (await fetch(`${options.issuer}/.well-known/oauth-authorization-server`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  if (metadata.issuer !== options.issuer) throw new Error(`The metadata names issuer ${metadata.issuer}.`);
  const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
  });
  return async (token: string): Promise<AccessTokenClaims> => {
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new TokenRefused('invalid_token', error.code);
      throw error;
    }
  };
}

function send(response: ServerResponse, status: number, body: unknown, challenge?: string): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(challenge ? { 'www-authenticate': challenge } : {}),
  });
  response.end(JSON.stringify(body));
}

/**
 * A tiny API: `GET /reports` answers with the caller's identity when the bearer token is a valid
 * Grantboard JWT for this audience with the read scope; 401 or 403 with RFC 6750 challenges otherwise.
 */
export async function createResourceServer(options: ResourceServerOptions): Promise<Server> {
  const verify = await createVerifier(options);
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      if (request.method !== 'GET' || request.url !== '/reports') return send(response, 404, { error: 'not_found' });
      const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(request.headers.authorization ?? '');
      if (!match?.[1]) return send(response, 401, { error: 'invalid_request' }, 'Bearer');
      try {
        const claims = await verify(match[1]);
        if (!claims.scope.split(' ').includes(options.readScope))
          throw new TokenRefused('insufficient_scope', `needs ${options.readScope}`);
        send(response, 200, { user: claims.sub, app: claims.client_id, reports: [] });
      } catch (error) {
        if (!(error instanceof TokenRefused)) return send(response, 500, { error: 'server_error' });
        const status = error.error === 'insufficient_scope' ? 403 : 401;
        send(response, status, { error: error.error }, `Bearer error="${error.error}"`);
      }
    })();
  });
}
