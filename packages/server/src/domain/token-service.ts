import type { TokenResponse } from '@grantboard/protocol';
import { numericId } from '../lib/ids.js';
import { verifierMatches } from '../lib/pkce.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { digest, isWellFormedToken, mintToken } from '../lib/tokens.js';
import { InvalidGrant, type OAuthError } from '../oauth/errors.js';
import type { App } from '../storage/repositories/apps.js';
import type { RedeemDecision } from '../storage/repositories/codes.js';
import type { AccessGrant, FamilyRow, TokenSet, UserGrant } from '../storage/repositories/tokens.js';
import type { ServiceContext } from './service-context.js';

export type AccessCheck = { kind: 'valid'; grant: AccessGrant } | { kind: 'expired' } | { kind: 'invalid' };

interface MintedTokens {
  set: TokenSet;
  accessToken: string;
  refreshToken: string | undefined;
}

/** The refresh response replayed within the grace window; sealed, never stored in the clear. */
interface ReplayPayload {
  access_token: string;
  refresh_token: string;
  access_expires_at: number;
}

const INVALID_CODE = 'The authorization code is invalid, expired or already used.';
const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked.';

/**
 * Issues, rotates, checks and revokes tokens. Token values exist only in responses; storage sees
 * their SHA-256 digests.
 */
export function tokenService({ config, repos, clock }: ServiceContext) {
  const accessTtl = config.accessTokenTtlSeconds * 1000;
  const refreshTtl = config.refreshTokenTtlSeconds * 1000;

  function mint(
    app: App,
    grant: { userId: string; teamId: string; scopes: string; codeDigest: string | null },
  ): MintedTokens {
    const now = clock.now();
    const accessToken = mintToken('access');
    const refreshToken = app.expiring ? mintToken('refresh') : undefined;
    return {
      accessToken,
      refreshToken,
      set: {
        family: {
          id: numericId(),
          app_id: app.id,
          user_id: grant.userId,
          team_id: grant.teamId,
          scopes: grant.scopes,
          code_digest: grant.codeDigest,
          created_at: now,
          revoked_at: null,
          revoked_reason: null,
        },
        access: { digest: digest(accessToken), expiresAt: app.expiring ? now + accessTtl : null },
        refresh: refreshToken ? { digest: digest(refreshToken), expiresAt: now + refreshTtl } : null,
      },
    };
  }

  /** ARCHITECTURE.md decision 3: ids as strings; `expires_in` and `refresh_token` for expiring apps only. */
  function response(
    family: FamilyRow,
    accessToken: string,
    accessExpiresAt: number | null,
    refreshToken?: string,
  ): TokenResponse {
    const body: TokenResponse = {
      access_token: accessToken,
      token_type: 'bearer',
      scope: family.scopes,
      user_id: family.user_id,
      team_id: family.team_id,
    };
    if (accessExpiresAt !== null) body.expires_in = Math.max(0, Math.floor((accessExpiresAt - clock.now()) / 1000));
    if (refreshToken !== undefined) body.refresh_token = refreshToken;
    return body;
  }

  return {
    /** Tokens straight from a grant (the developer console's "Install app and get OAuth token"). */
    async issue(app: App, grant: { userId: string; teamId: string; scopes: string[] }): Promise<TokenResponse> {
      const minted = mint(app, { ...grant, scopes: grant.scopes.join(' '), codeDigest: null });
      await repos.tokens.issue(minted.set);
      return response(minted.set.family, minted.accessToken, minted.set.access.expiresAt, minted.refreshToken);
    },

    /** RFC 6749 §4.1.3 with RFC 7636 §4.6 and RFC 9700 §4.2.4 / §4.8.2. */
    async exchangeCode(
      app: App,
      params: { code: string; redirectUri: string; codeVerifier: string | undefined },
    ): Promise<TokenResponse> {
      // A mistyped or made-up code fails on its checksum without a database read.
      if (!isWellFormedToken(params.code, 'code')) throw new InvalidGrant(INVALID_CODE, 'malformed code');
      const codeDigest = digest(params.code);
      const now = clock.now();
      let minted: MintedTokens | undefined;
      const result = await repos.codes.redeem(codeDigest, now, (code): RedeemDecision<OAuthError> => {
        const reject = (description: string, detail?: string) => ({
          ok: false as const,
          error: new InvalidGrant(description, detail),
        });
        if (code.app_id !== app.id) return reject(INVALID_CODE, 'code issued to another client');
        if (code.expires_at <= now) return reject('The authorization code has expired.');
        // RFC 6749 §4.1.3: the redirect_uri must be identical to the one in the authorization request.
        if (params.redirectUri !== code.redirect_uri) return reject('Redirect URI mismatch.');
        if (code.code_challenge !== null) {
          if (params.codeVerifier === undefined) return reject("Missing required parameter 'code_verifier'.");
          if (!verifierMatches(params.codeVerifier, code.code_challenge))
            return reject('The code_verifier does not match the code_challenge.');
        } else if (params.codeVerifier !== undefined) {
          // RFC 9700 §4.8.2: a verifier for a request made without a challenge is a PKCE downgrade.
          return reject('A code_verifier was sent, but the authorization request had no code_challenge.');
        }
        minted = mint(app, { userId: code.user_id, teamId: code.team_id, scopes: code.scopes, codeDigest });
        return { ok: true, tokens: minted.set };
      });
      switch (result.kind) {
        case 'issued': {
          const tokens = minted!;
          return response(tokens.set.family, tokens.accessToken, tokens.set.access.expiresAt, tokens.refreshToken);
        }
        case 'rejected':
          throw result.error;
        case 'replayed':
          await repos.audit.record({
            type: 'authorization_code_replay_detected',
            at: now,
            appId: result.code.app_id,
            teamId: result.code.team_id,
            userId: result.code.user_id,
            detail: { revokedFamilies: result.revokedFamilies.length },
          });
          throw new InvalidGrant(INVALID_CODE, 'code replay: tokens issued from it revoked');
        case 'unknown':
          throw new InvalidGrant(INVALID_CODE, 'unknown code');
      }
    },

    /**
     * RFC 6749 §6 with rotation (ARCHITECTURE.md decision 9): a new pair on every refresh, the old
     * pair dead at once. A parallel retry with the just-rotated token by the same client within the
     * grace window gets the identical response; any other reuse is treated as theft and revokes the
     * whole family.
     */
    async refresh(app: App, refreshToken: string, scope: string | undefined): Promise<TokenResponse> {
      if (!isWellFormedToken(refreshToken, 'refresh'))
        throw new InvalidGrant(INVALID_REFRESH, 'malformed refresh token');
      const refreshDigest = digest(refreshToken);
      const now = clock.now();
      if (scope !== undefined) {
        // RFC 6749 §6: the scope may not go beyond the original grant; Grantboard keeps it as granted.
        const live = await repos.tokens.findLiveRefresh(refreshDigest, now);
        if (live && live.app_id === app.id && scope !== live.scopes) {
          throw new InvalidGrant('The requested scope must equal the scope of the original grant.');
        }
      }
      const accessToken = mintToken('access');
      const nextRefresh = mintToken('refresh');
      const accessExpiresAt = now + accessTtl;
      const replayKey = deriveKey(refreshToken, 'refresh replay');
      const payload: ReplayPayload = {
        access_token: accessToken,
        refresh_token: nextRefresh,
        access_expires_at: accessExpiresAt,
      };
      const result = await repos.tokens.rotate({
        digest: refreshDigest,
        appId: app.id,
        now,
        access: { digest: digest(accessToken), expiresAt: accessExpiresAt },
        refresh: { digest: digest(nextRefresh), expiresAt: now + refreshTtl },
        replaySealed: seal(replayKey, JSON.stringify(payload), refreshDigest),
      });
      if (result.kind === 'rotated') return response(result.family, accessToken, accessExpiresAt, nextRefresh);
      if (result.kind === 'invalid')
        throw new InvalidGrant(INVALID_REFRESH, 'unknown, expired or foreign refresh token');

      const withinGrace = now - result.rotatedAt <= config.refreshReuseGraceSeconds * 1000;
      if (withinGrace && result.successorLive && result.replaySealed !== null) {
        const replay = open(replayKey, result.replaySealed, refreshDigest);
        if (replay !== undefined) {
          const previous = JSON.parse(replay) as ReplayPayload;
          return response(result.family, previous.access_token, previous.access_expires_at, previous.refresh_token);
        }
      }
      if (await repos.tokens.revokeFamily(result.family.id, now, 'refresh_token_reuse')) {
        await repos.audit.record({
          type: 'refresh_token_reuse_detected',
          at: now,
          appId: result.family.app_id,
          teamId: result.family.team_id,
          userId: result.family.user_id,
          detail: { familyId: result.family.id, secondsSinceRotation: Math.round((now - result.rotatedAt) / 1000) },
        });
      }
      throw new InvalidGrant(INVALID_REFRESH, 'refresh token reuse: family revoked');
    },

    /** The apps the user has authorized, per team, that still hold a live token ("Authorized apps"). */
    grantsOf(userId: string): Promise<UserGrant[]> {
      return repos.tokens.grantsOf(userId, clock.now());
    },

    /**
     * The user takes back an authorization ("Authorized apps" → Revoke access): every live token
     * family of the user for the app in the team is revoked; the app stays installed in the team.
     * Returns how many families were revoked.
     */
    async revokeGrant(grant: { userId: string; appId: string; teamId: string }): Promise<number> {
      const now = clock.now();
      const revoked = await repos.tokens.revokeGrantsOf(grant, now, 'revoked_by_user');
      for (const familyId of revoked) {
        await repos.audit.record({
          type: 'token_revoked',
          at: now,
          actorId: grant.userId,
          appId: grant.appId,
          teamId: grant.teamId,
          userId: grant.userId,
          detail: { familyId, by: 'user' },
        });
      }
      return revoked.length;
    },

    /** Checks an access token presented to a resource. */
    async checkAccess(token: string): Promise<AccessCheck> {
      if (!isWellFormedToken(token, 'access')) return { kind: 'invalid' };
      const grant = await repos.tokens.findAccess(digest(token));
      if (!grant) return { kind: 'invalid' };
      if (grant.expiresAt !== null && grant.expiresAt <= clock.now()) return { kind: 'expired' };
      return { kind: 'valid', grant };
    },

    /**
     * Revokes the family of a live access or refresh token: access and refresh die together and the
     * app stays installed. With `appId`, only a token issued to that app is revoked. A dead token
     * revokes nothing, so an old leaked token cannot end the session that followed it. Returns
     * whether a live family was revoked.
     */
    async revoke(token: string, options: { appId?: string; actorId?: string } = {}): Promise<boolean> {
      const now = clock.now();
      const tokenDigest = digest(token);
      let family: { id: string; appId: string; teamId: string; userId: string } | undefined;
      if (isWellFormedToken(token, 'access')) {
        const grant = await repos.tokens.findAccess(tokenDigest);
        if (grant) family = { id: grant.familyId, appId: grant.appId, teamId: grant.teamId, userId: grant.userId };
      } else if (isWellFormedToken(token, 'refresh')) {
        const live = await repos.tokens.findLiveRefresh(tokenDigest, now);
        if (live) family = { id: live.id, appId: live.app_id, teamId: live.team_id, userId: live.user_id };
      }
      if (!family || (options.appId !== undefined && family.appId !== options.appId)) return false;
      const revoked = await repos.tokens.revokeFamily(family.id, now, 'revoked');
      if (revoked) {
        await repos.audit.record({
          type: 'token_revoked',
          at: now,
          actorId: options.actorId ?? family.userId,
          appId: family.appId,
          teamId: family.teamId,
          userId: family.userId,
          detail: { familyId: family.id },
        });
      }
      return revoked;
    },
  };
}

export type TokenService = ReturnType<typeof tokenService>;
