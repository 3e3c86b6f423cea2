import { hash, randomFillSync } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token values: a type prefix, the issue time, 256 random bits and a CRC-32 checksum (ARCHITECTURE.md
 * decision 11). The prefix lets secret scanners recognise a leaked Grantboard token; the checksum
 * rejects a mistyped or made-up token without a database read. Only a digest is ever stored.
 *
 * The issue time (6 bytes, milliseconds, big-endian) makes a token's storage key (`tokenKey`)
 * time-ordered: new rows land at the end of their index instead of on a random page of it
 * (docs/performance.md, "Time-ordered keys"). Tokens minted before it are still accepted: they are
 * eight characters shorter, and their key is their bare digest.
 */
export const TOKEN_PREFIXES = {
  access: 'gba_',
  refresh: 'gbr_',
  code: 'gbc_',
  clientSecret: 'gbs_',
  session: 'gbx_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

const TIME_BYTES = 6;
const RANDOM_BYTES = 32;
const PREFIX_LENGTH = 4; // every prefix above
const TIME_LENGTH = 8; // base64url of TIME_BYTES
const RANDOM_LENGTH = 43; // base64url of RANDOM_BYTES
const CHECKSUM_LENGTH = 6; // base64url of 4 bytes
const TOKEN_LENGTH = PREFIX_LENGTH + TIME_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH;
const UNTIMED_LENGTH = TOKEN_LENGTH - TIME_LENGTH; // as minted before the issue time was added
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
  const body = Buffer.allocUnsafe(TIME_BYTES + RANDOM_BYTES);
  body.writeUIntBE(Date.now(), 0, TIME_BYTES);
  randomFillSync(body, TIME_BYTES);
  const head = TOKEN_PREFIXES[kind] + body.toString('base64url');
  return head + checksum(head);
}

/** Whether `value` is well formed for its kind: prefix, length, alphabet and checksum. */
export function isWellFormedToken(value: string, kind: TokenKind): boolean {
  if ((value.length !== TOKEN_LENGTH && value.length !== UNTIMED_LENGTH) || !value.startsWith(TOKEN_PREFIXES[kind]))
    return false;
  const head = value.slice(0, -CHECKSUM_LENGTH);
  return BODY.test(value.slice(PREFIX_LENGTH)) && checksum(head) === value.slice(head.length);
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

/** The stored form of a secret (a session id, a client secret): its SHA-256 digest, base64url. */
export function digest(value: string): string {
  return hash('sha256', value, 'base64url');
}

/**
 * The stored key of an access token, refresh token or code: its issue time in hex (which sorts as the
 * time does; base64url does not) followed by its digest. A value without an issue time (a token
 * minted before it was added, a JWT) is stored under its bare digest. The time is not secret: the
 * token's holder knows when it was issued, and the 256 random bits stay behind the digest.
 */
export function tokenKey(value: string): string {
  if (value.length !== TOKEN_LENGTH) return digest(value);
  const time = value.slice(PREFIX_LENGTH, PREFIX_LENGTH + TIME_LENGTH);
  return Buffer.from(time, 'base64url').toString('hex') + digest(value);
}
