import type { PendingAuthorization, TokenSet } from '../token-store.js';

/**
 * Stores keep values as JSON text. What comes back is checked before use: a store shared with other
 * versions or edited by hand must not hand the client a half token set.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a stored token set, or returns `undefined` when the text is not one. */
export function decodeTokenSet(text: string): TokenSet | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { accessToken, refreshToken, expiresAt, scope, userId, teamId, obtainedAt } = value;
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  if (typeof scope !== 'string' || typeof userId !== 'string' || typeof teamId !== 'string') return undefined;
  if (typeof obtainedAt !== 'number') return undefined;
  if (refreshToken !== undefined && typeof refreshToken !== 'string') return undefined;
  if (expiresAt !== undefined && typeof expiresAt !== 'number') return undefined;
  const tokens: TokenSet = { accessToken, tokenType: 'bearer', scope, userId, teamId, obtainedAt };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (expiresAt !== undefined) tokens.expiresAt = expiresAt;
  return tokens;
}

/** Parses a stored pending authorization, or returns `undefined` when the text is not one. */
export function decodePending(text: string): PendingAuthorization | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { codeVerifier, redirectUri, userKey, createdAt, expiresAt } = value;
  if (typeof codeVerifier !== 'string' || typeof redirectUri !== 'string') return undefined;
  if (typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (userKey !== undefined && typeof userKey !== 'string') return undefined;
  const pending: PendingAuthorization = { codeVerifier, redirectUri, createdAt, expiresAt };
  if (userKey !== undefined) pending.userKey = userKey;
  return pending;
}

/** JSON text of a value, for stores. */
export function encode(value: TokenSet | PendingAuthorization): string {
  return JSON.stringify(value);
}
