import { hash } from 'node:crypto';
import { secretsEqual } from '../lib/compare.js';
import { AdminUnauthorized } from './errors.js';

/**
 * ARCHITECTURE.md decision 18: admin tokens come from configuration and are kept as SHA-256
 * digests; a presented token is hashed and compared with every digest in constant time, so
 * neither a match's position nor a near miss shows in the timing.
 */
export function checkAdminToken(digests: string[], authorization: string | undefined): void {
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization ?? '');
  if (!match) throw new AdminUnauthorized('Send an admin token: Authorization: Bearer <token>.');
  const presented = hash('sha256', match[1]!, 'hex');
  let found = false;
  for (const digest of digests) found = secretsEqual(digest, presented) || found;
  if (!found) throw new AdminUnauthorized('The admin token is not valid.');
}
