import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

/** RFC 9068 §2.1: JWT access tokens are signed (ES256 here, RFC 7518 §3.4) and typed `at+jwt`. */
export const ACCESS_TOKEN_ALG = 'ES256';
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** A JSON Web Key (RFC 7517 §4) as published. */
export type PublicJwk = Record<string, unknown>;

/** A private key, imported once, that signs access tokens. */
export type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/** The claims of an RFC 9068 §2.2 access token (times in seconds since the epoch). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
}

/** A new ES256 key pair, both halves as JWK JSON. */
export async function generateSigningKeyPair(): Promise<{ publicJwk: string; privateJwk: string }> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  return {
    publicJwk: JSON.stringify(await exportJWK(publicKey)),
    privateJwk: JSON.stringify(await exportJWK(privateKey)),
  };
}

export function importSigningKey(privateJwk: string): Promise<SigningKey> {
  return importJWK(JSON.parse(privateJwk) as Parameters<typeof importJWK>[0], ACCESS_TOKEN_ALG);
}

/** Signs an RFC 9068 access token; a random `jti` makes each one distinct. */
export function signAccessToken(key: SigningKey, kid: string, claims: AccessTokenClaims): Promise<string> {
  return new SignJWT({ client_id: claims.client_id, scope: claims.scope })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setJti(randomUUID())
    .sign(key);
}
