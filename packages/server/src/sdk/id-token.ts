import { SignJWT } from 'jose';

/** How long a Web SDK id token lasts (ARCHITECTURE.md decision 14). */
export const ID_TOKEN_TTL_SECONDS = 300;

export interface IdTokenClaims {
  /** The configured issuer, `miro` by default, so app back ends written for Miro verify it unchanged. */
  issuer: string;
  clientId: string;
  teamId: string;
  userId: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * The Web SDK's `getIdToken()` JWT: HS256, signed with the app's client secret as Miro does, with
 * `iss`, `sub` (the client id), `team`, `user`, `iat` and `exp`. It proves to the app's own back end
 * who is using the app in which team; it is no access token, and the REST API refuses it.
 */
export function signIdToken(claims: IdTokenClaims, clientSecret: string): Promise<string> {
  const iat = Math.floor(claims.now / 1000);
  return new SignJWT({ team: claims.teamId, user: claims.userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setSubject(claims.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_TTL_SECONDS)
    .sign(new TextEncoder().encode(clientSecret));
}
