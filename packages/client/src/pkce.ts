import { base64url, randomToken } from './encoding.js';

/** A PKCE pair (RFC 7636): the secret verifier and its S256 challenge. */
export interface PkcePair {
  /** The `code_verifier`, sent with the code exchange. */
  codeVerifier: string;
  /** The `code_challenge`, sent with the authorization request. */
  codeChallenge: string;
  /** Always `S256`; `plain` gives no protection against a stolen code. */
  codeChallengeMethod: 'S256';
}

/**
 * RFC 7636 §4.2: `code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))`.
 * @param codeVerifier - 43 to 128 characters from the unreserved set (§4.1).
 */
export async function computeCodeChallenge(codeVerifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeVerifier)) {
    throw new TypeError('a code_verifier is 43 to 128 characters from [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64url(new Uint8Array(digest));
}

/** Makes a fresh PKCE pair: a verifier of 32 random bytes (256 bits, RFC 7636 §7.1) and its S256 challenge. */
export async function createPkcePair(): Promise<PkcePair> {
  const codeVerifier = randomToken(32);
  return { codeVerifier, codeChallenge: await computeCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}
