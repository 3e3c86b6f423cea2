import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of small values. Keys are derived with HKDF-SHA256 from a root secret and a
 * purpose label, so one server key serves several uses without reuse across them. The associated
 * data binds a ciphertext to the record it belongs to (a client id, a token digest).
 */
export function deriveKey(root: Buffer | string, purpose: string): Buffer {
  // RFC 5869 with an empty salt and one output block, written out with two HMACs: the same bytes as
  // crypto.hkdfSync, at a fraction of its cost on the refresh path (one derivation per refresh).
  const prk = createHmac('sha256', Buffer.alloc(32)).update(root).digest();
  return createHmac('sha256', prk).update(`grantboard ${purpose}`).update(Buffer.of(1)).digest();
}

const VERSION = 'v1';

export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** Decrypts what `seal` produced; `undefined` when the key, data or ciphertext do not match. */
export function open(key: Buffer, sealed: string, associatedData: string): string | undefined {
  const [version, payload] = sealed.split('.');
  if (version !== VERSION || payload === undefined) return undefined;
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
