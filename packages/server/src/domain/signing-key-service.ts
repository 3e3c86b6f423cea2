import { randomBytes } from 'node:crypto';
import {
  ACCESS_TOKEN_ALG,
  type AccessTokenClaims,
  generateSigningKeyPair,
  importSigningKey,
  type PublicJwk,
  type SigningKey,
  signAccessToken,
} from '../lib/access-token-jwt.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import type { StoredSigningKey } from '../storage/repositories/signing-keys.js';
import { JWT_MAX_TTL_SECONDS } from './resource-server-service.js';
import type { ServiceContext } from './service-context.js';

interface ActiveKey {
  kid: string;
  signsUntil: number;
  privateKey: SigningKey;
}

/**
 * The keys JWT access tokens are signed with: created on first use, rotated after
 * `RESOURCE_SERVER_SIGNING_KEY_ROTATION_SECONDS` (the next key published ahead of its turn), published at `jwks_uri` until the last token a
 * key may have signed has expired (a key signs until `signsUntil`; tokens live at most
 * `JWT_MAX_TTL_SECONDS`). Private keys are stored sealed under the server key, bound to their kid.
 */
export function signingKeyService({ config, repos, clock }: ServiceContext) {
  const sealKey = deriveKey(config.secretKey, 'jwt signing key');
  const openKeys = [config.secretKey, ...config.previousSecretKeys].map((key) => deriveKey(key, 'jwt signing key'));
  const rotationMs = config.resourceServerSigningKeyRotationSeconds * 1000;
  // The next key is published this long before it starts signing, so that verifiers which cache the
  // JWKS (jose's remote JWK Set, oauth4webapi) hold it before the first token it signs (RFC 7517 does
  // not say; the usual practice, docs/platform.md). Longer than the JWKS response's max-age.
  const leadMs = Math.min(rotationMs / 2, 24 * 3600 * 1000);
  let active: ActiveKey | undefined;
  let nextPublishedAfter: string | undefined;

  async function load(stored: StoredSigningKey): Promise<ActiveKey> {
    let jwk: string | undefined;
    for (const key of openKeys) {
      jwk = open(key, stored.privateSealed, stored.kid);
      if (jwk !== undefined) break;
    }
    if (jwk === undefined) throw new Error(`The signing key ${stored.kid} cannot be opened with the server keys.`);
    return {
      kid: stored.kid,
      signsUntil: stored.signsUntil,
      privateKey: await importSigningKey(jwk),
    };
  }

  async function create(startsAt: number): Promise<StoredSigningKey> {
    const now = startsAt;
    const pair = await generateSigningKeyPair();
    const kid = randomBytes(16).toString('base64url');
    const signsUntil = now + rotationMs;
    const stored: StoredSigningKey = {
      kid,
      alg: ACCESS_TOKEN_ALG,
      publicJwk: pair.publicJwk,
      privateSealed: seal(sealKey, pair.privateJwk, kid),
      createdAt: now,
      signsUntil,
      publishedUntil: signsUntil + JWT_MAX_TTL_SECONDS * 1000,
    };
    await repos.signingKeys.create(stored);
    return stored;
  }

  /**
   * The key that signs now. Two processes that find none at the same moment may each create one:
   * both are published, and tokens signed with either verify.
   */
  async function current(): Promise<ActiveKey> {
    const now = clock.now();
    if (!active || active.signsUntil <= now) {
      const stored = (await repos.signingKeys.current(now)) ?? (await create(now));
      active = await load(stored);
    }
    if (now >= active.signsUntil - leadMs && nextPublishedAfter !== active.kid) {
      if (!(await repos.signingKeys.hasKeyFrom(active.signsUntil))) await create(active.signsUntil);
      nextPublishedAfter = active.kid;
    }
    return active;
  }

  return {
    /** Signs an RFC 9068 access token with the current key; `iss` is `PUBLIC_URL`. */
    async sign(claims: Omit<AccessTokenClaims, 'iss'>): Promise<string> {
      const key = await current();
      return signAccessToken(key.privateKey, key.kid, { ...claims, iss: config.publicUrl });
    },

    /** RFC 7517 §5: the public keys whose tokens may still be live, newest first. */
    async jwks(): Promise<{ keys: PublicJwk[] }> {
      const keys = await repos.signingKeys.published(clock.now());
      return {
        keys: keys.map((key) => ({
          ...(JSON.parse(key.publicJwk) as PublicJwk),
          kid: key.kid,
          alg: key.alg,
          use: 'sig',
        })),
      };
    },
  };
}

export type SigningKeyService = ReturnType<typeof signingKeyService>;
