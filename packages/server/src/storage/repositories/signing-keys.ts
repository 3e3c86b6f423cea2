import type { Kysely, Selectable } from 'kysely';
import type { SigningKeysTable, Tables } from '../schema.js';

/** A JWT access token signing key as stored: the private half sealed under the server key. */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  publicJwk: string;
  privateSealed: string;
  createdAt: number;
  /** The key signs new tokens until then. */
  signsUntil: number;
  /** The key is published at `jwks_uri` until then: the last token it may have signed has expired. */
  publishedUntil: number;
}

function toKey(row: Selectable<SigningKeysTable>): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateSealed: row.private_sealed,
    createdAt: Number(row.created_at),
    signsUntil: Number(row.signs_until),
    publishedUntil: Number(row.published_until),
  };
}

export function signingKeysRepository(db: Kysely<Tables>) {
  return {
    /** The newest key that still signs at `now`, if any. */
    async current(now: number): Promise<StoredSigningKey | undefined> {
      const row = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('created_at', '<=', now)
        .where('signs_until', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .executeTakeFirst();
      return row ? toKey(row) : undefined;
    },

    /** The keys to publish at `now`: every key whose tokens may still be live. */
    async published(now: number): Promise<StoredSigningKey[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('published_until', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toKey);
    },

    /** Whether a key that starts signing at or after `at` exists already (the next one, published ahead). */
    async hasKeyFrom(at: number): Promise<boolean> {
      const row = await db.selectFrom('signing_keys').select('kid').where('created_at', '>=', at).executeTakeFirst();
      return row !== undefined;
    },

    async findByKid(kid: string): Promise<StoredSigningKey | undefined> {
      const row = await db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
      return row ? toKey(row) : undefined;
    },

    async create(key: StoredSigningKey): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: key.publicJwk,
          private_sealed: key.privateSealed,
          created_at: key.createdAt,
          signs_until: key.signsUntil,
          published_until: key.publishedUntil,
        })
        .execute();
    },
  };
}
