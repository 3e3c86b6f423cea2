import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token values: a type prefix, 256 random bits and a CRC-32 checksum (ARCHITECTURE.md decision 11).
 * The prefix lets secret scanners recognise a leaked Grantboard token; the checksum rejects a
 * mistyped or made-up token without a database read. Only the SHA-256 digest is ever stored.
 */
export const TOKEN_PREFIXES = {
  access: 'gba_',
  refresh: 'gbr_',
  code: 'gbc_',
  clientSecret: 'gbs_',
  session: 'gbx_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

const BODY_LENGTH = 43; // base64url of 32 bytes
const CHECKSUM_LENGTH = 6; // base64url of 4 bytes
const BODY = /^[A-Za-z0-9_-]+$/;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The CRC-32 of the prefix and body, big-endian, in unpadded base64url (six characters). */
function checksum(prefixAndBody: string): string {
  // By hand rather than through a Buffer: every token check computes it.
  const sum = crc32(prefixAndBody);
  return (
    BASE64URL[sum >>> 26]! +
    BASE64URL[(sum >>> 20) & 63]! +
    BASE64URL[(sum >>> 14) & 63]! +
    BASE64URL[(sum >>> 8) & 63]! +
    BASE64URL[(sum >>> 2) & 63]! +
    BASE64URL[(sum & 3) << 4]!
  );
}

export function mintToken(kind: TokenKind): string {
  const head = TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
  return head + checksum(head);
}

/** Whether `value` is well formed for its kind: prefix, length, alphabet and checksum. */
export function isWellFormedToken(value: string, kind: TokenKind): boolean {
  const prefix = TOKEN_PREFIXES[kind];
  if (value.length !== prefix.length + BODY_LENGTH + CHECKSUM_LENGTH || !value.startsWith(prefix)) return false;
  const rest = value.slice(prefix.length);
  if (!BODY.test(rest)) return false;
  const head = value.slice(0, prefix.length + BODY_LENGTH);
  return checksum(head) === value.slice(head.length);
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Whether `value` has the shape of a compact JWS (RFC 7515 §7.1), as RFC 9068 access tokens do. */
export function isJwtShaped(value: string): boolean {
  return value.length <= 8192 && JWT_SHAPE.test(value);
}

/** An access token as Grantboard issues them: opaque (`gba_…`) or an RFC 9068 JWT. */
export function isAccessTokenShaped(value: string): boolean {
  return isWellFormedToken(value, 'access') || isJwtShaped(value);
}

/** Which kind a token is, by its prefix, if it is a well-formed Grantboard token at all. */
export function tokenKind(value: string): TokenKind | undefined {
  for (const kind of Object.keys(TOKEN_PREFIXES) as TokenKind[]) {
    if (isWellFormedToken(value, kind)) return kind;
  }
  return undefined;
}

/** The stored form of a token, code or session id: its SHA-256 digest, base64url. */
export function digest(value: string): string {
  return hash('sha256', value, 'base64url');
}
