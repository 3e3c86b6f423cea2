import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time (RFC 6819 §5.1.4.1.3). Both sides are hashed first, so
 * neither the content nor the length of the expected value leaks through timing.
 */
export function secretsEqual(expected: string | undefined, presented: string | null | undefined): boolean {
  if (!expected || !presented) return false;
  const a = secretDigest(expected);
  const b = secretDigest(presented);
  return timingSafeEqual(a, b) && expected === presented;
}

/** The SHA-256 of a secret, for `digestMatches`. */
export function secretDigest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** `secretsEqual` against a secret known only by its `secretDigest`. */
export function digestMatches(expected: Buffer | undefined, presented: string | null | undefined): boolean {
  if (!expected || !presented) return false;
  return timingSafeEqual(expected, secretDigest(presented));
}
