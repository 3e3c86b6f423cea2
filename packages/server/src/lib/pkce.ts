import { hash } from 'node:crypto';
import { secretsEqual } from './compare.js';

/** RFC 7636 §4.1: code_verifier = 43*128unreserved. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 §4.2: the S256 challenge is base64url(SHA-256(verifier)) without padding: 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isValidVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

export function isValidS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

export function s256(verifier: string): string {
  return hash('sha256', verifier, 'base64url');
}

/** RFC 7636 §4.6: the server recomputes the challenge from the verifier and compares. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return secretsEqual(challenge, s256(verifier));
}
