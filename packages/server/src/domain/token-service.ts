import type { TokenResponse } from '@grantboard/protocol';
import { numericId } from '../lib/ids.js';
import { verifierMatches } from '../lib/pkce.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { isAccessTokenShaped, isWellFormedToken, mintToken, tokenKey } from '../lib/tokens.js';
import type { App } from '../storage/repositories/apps.js';
import type { RedeemDecision } from '../storage/repositories/codes.js';
import type {
  AccessContext,
  AccessGrant,
  Family,
  RotationResult,
  ScopeDecision,
  TokenSet,
  UserGrant,
} from '../storage/repositories/tokens.js';
import { InvalidGrantError, InvalidScopeError, InvalidTargetError } from './errors.js';
import { outboxEvent } from './events.js';
import type { ResourceServerService } from './resource-server-service.js';
import { resourceServers } from './resource-servers.js';
import type { ServiceContext } from './service-context.js';
import type { SigningKeyService } from './signing-key-service.js';

/** The one answer to "is this access token live": known, not revoked, and not past its expiry. */
export type AccessCheck<T = AccessGrant> = { kind: 'valid'; grant: T } | { kind: 'expired' } | { kind: 'invalid' };

/**
 * Who asks an introspection question: the token's own client (an app), or a resource server, which
 * learns only about access tokens for its audience (RFC 7662 §2.1, docs/platform.md).
 */
export type IntrospectionCaller = { appId: string } | { audience: string };

/** An access token value with the expiry stored for it (null: lives until revoked or uninstalled). */
interface AccessValue {
  token: string;
  expiresAt: number | null;
}

/** What introspection may tell the caller (RFC 7662 §2.2). */
export type Introspection =
  | { kind: 'access'; grant: AccessGrant }
  | { kind: 'refresh'; family: Family; expiresAt: number }
  | { kind: 'inactive' };

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

/**
 * ARCHITECTURE.md decision 9, as a pure function of what the rotation's compare-and-set found: a
 * token rotated moments ago whose successor is unused is a parallel retry by its own client,
 * answered with the identical response; any other use of a rotated token is reuse, treated as theft.
 */
export function isParallelRetry(
  previous: Extract<RotationResult<unknown>, { kind: 'already_rotated' }>,
  now: number,
  graceMs: number,
): boolean {
  return now - previous.rotatedAt <= graceMs && previous.successorLive && previous.replaySealed !== null;
}

const INVALID_CODE = 'The authorization code is invalid, expired or already used.';
const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked.';

/**
 * Issues, rotates, checks and revokes tokens. Token values exist only in responses; storage sees
 * their SHA-256 digests.
 */
export function tokenService(
  { config, repos, clock }: ServiceContext,
  registered: ResourceServerService,
  signingKeys: SigningKeyService,
) {
  const servers = resourceServers(config.publicUrl);
  const accessTtl = config.accessTokenTtlSeconds * 1000;
  const refreshTtl = config.refreshTokenTtlSeconds * 1000;
  const graceMs = config.refreshReuseGraceSeconds * 1000;

  /**
   * The access token for a grant, as its audience's token policy says (docs/platform.md): opaque with
   * the app's token mode, or an RFC 9068 §2.2 JWT for a resource server that chose them, stored by
   * digest like an opaque one so that revocation and introspection treat both alike.
   */
  async function accessFor(
    app: App,
    grant: { userId: string; scopes: string[]; audience: string[] | null },
    now: number,
  ): Promise<AccessValue> {
    const policy = await registered.policyFor(grant.audience);
    if (policy.format === 'jwt' && policy.server && policy.ttlSeconds !== undefined) {
      const iat = Math.floor(now / 1000);
      const exp = iat + policy.ttlSeconds;
      const token = await signingKeys.sign({
        sub: grant.userId,
        aud: policy.server.identifier,
        client_id: app.id,
        scope: grant.scopes.join(' '),
        iat,
        exp,
      });
      return { token, expiresAt: exp * 1000 };
    }
    const ttl = policy.ttlSeconds === undefined ? accessTtl : policy.ttlSeconds * 1000;
    return { token: mintToken('access'), expiresAt: app.expiring ? now + ttl : null };
  }

  function mint(
    app: App,
    grant: { userId: string; teamId: string; scopes: string[]; codeDigest: string | null; audience: string[] | null },
    access: AccessValue,
    now: number,
  ): MintedTokens {
    const refreshToken = app.expiring ? mintToken('refresh') : undefined;
    return {
      accessToken: access.token,
      refreshToken,
      set: {
        family: { id: numericId(), appId: app.id, ...grant, createdAt: now },
        access: { digest: tokenKey(access.token), expiresAt: access.expiresAt },
        refresh: refreshToken ? { digest: tokenKey(refreshToken), expiresAt: now + refreshTtl } : null,
      },
    };
  }

  /** ARCHITECTURE.md decision 3: ids as strings; `expires_in` and `refresh_token` for expiring apps only. */
  function response(
    family: Family,
    accessToken: string,
    accessExpiresAt: number | null,
    refreshToken?: string,
  ): TokenResponse {
    const body: TokenResponse = {
      access_token: accessToken,
      token_type: 'bearer',
      scope: family.scopes.join(' '),
      user_id: family.userId,
      team_id: family.teamId,
    };
    if (accessExpiresAt !== null) body.expires_in = Math.max(0, Math.floor((accessExpiresAt - clock.now()) / 1000));
    if (refreshToken !== undefined) body.refresh_token = refreshToken;
    return body;
  }

  function judgeAccess<T extends { expiresAt: number | null }>(found: T | undefined): AccessCheck<T> {
    if (!found) return { kind: 'invalid' };
    if (found.expiresAt !== null && found.expiresAt <= clock.now()) return { kind: 'expired' };
    return { kind: 'valid', grant: found };
  }

  /**
   * RFC 6749 §6: the new pair carries the requested scope, which may narrow but never widen the
   * grant; RFC 8707 §2.2: likewise the requested resources narrow its audience, never widen it.
   */
  function scopeFor(requested: string[] | undefined, resources: string[]) {
    return (family: Family): ScopeDecision<InvalidScopeError | InvalidTargetError> => {
      const granted = family.audience ?? [...servers.default];
      const outside = resources.filter((uri) => !granted.includes(uri));
      if (outside.length > 0) {
        return { ok: false, error: new InvalidTargetError(`The grant is not for: ${outside.join(' ')}.`) };
      }
      const audience = resources.length > 0 ? resources : family.audience;
      if (requested === undefined) return { ok: true, scopes: family.scopes, audience };
      const extra = requested.filter((scope) => !family.scopes.includes(scope));
      if (extra.length > 0) {
        return { ok: false, error: new InvalidScopeError(`The grant does not include: ${extra.join(' ')}.`) };
      }
      return { ok: true, scopes: requested, audience };
    };
  }

  /** The grant a family is, as events tell it: ids only. */
  function grantData(family: Pick<Family, 'id' | 'appId' | 'teamId' | 'userId'>) {
    return {
      authorization: { id: family.id },
      app: { id: family.appId },
      team: { id: family.teamId },
      user: { id: family.userId },
    };
  }

  function grantedEvent(set: TokenSet) {
    const { family } = set;
    return outboxEvent('authorization.granted', family.teamId, family.createdAt, {
      ...grantData(family),
      scopes: family.scopes,
    });
  }

  /** RFC 8707 §2.2: the resources asked for at the token endpoint must be ones the code was issued for. */
  function audienceOf(codeAudience: string[] | null, resources: string[]): string[] | null | InvalidTargetError {
    const granted = codeAudience ?? [...servers.default];
    const outside = resources.filter((uri) => !granted.includes(uri));
    if (outside.length > 0) return new InvalidTargetError(`The authorization was not for: ${outside.join(' ')}.`);
    return resources.length > 0 ? resources : codeAudience;
  }

  async function revokeForReuse(family: Family, rotatedAt: number, now: number): Promise<void> {
    const secondsSinceRotation = Math.round((now - rotatedAt) / 1000);
    const reuse = outboxEvent('refresh_token.reuse_detected', family.teamId, now, {
      ...grantData(family),
      secondsSinceRotation,
    });
    if (!(await repos.tokens.revokeFamily(family.id, now, 'refresh_token_reuse', [reuse]))) return;
    await repos.audit.record({
      type: 'refresh_token_reuse_detected',
      at: now,
      appId: family.appId,
      teamId: family.teamId,
      userId: family.userId,
      detail: { familyId: family.id, secondsSinceRotation },
    });
  }

  return {
    /** Tokens straight from a grant (the developer console's "Install app and get OAuth token"). */
    async issue(app: App, grant: { userId: string; teamId: string; scopes: string[] }): Promise<TokenResponse> {
      const now = clock.now();
      // The audience the scopes' owners make (docs/platform.md); Miro's scopes alone: the REST API.
      const audience = await registered.audienceFor(app, grant.scopes, []);
      const full = { ...grant, codeDigest: null, audience };
      const minted = mint(app, full, await accessFor(app, full, now), now);
      await repos.tokens.issue(minted.set, [grantedEvent(minted.set)]);
      return response(minted.set.family, minted.accessToken, minted.set.access.expiresAt, minted.refreshToken);
    },

    /** RFC 6749 §4.1.3 with RFC 7636 §4.6 and RFC 9700 §4.2.4 / §4.8.2. */
    async exchangeCode(
      app: App,
      params: { code: string; redirectUri: string; codeVerifier: string | undefined; resources?: string[] },
    ): Promise<TokenResponse> {
      // A mistyped or made-up code fails on its checksum without a database read.
      if (!isWellFormedToken(params.code, 'code')) throw new InvalidGrantError(INVALID_CODE, 'malformed code');
      const codeDigest = tokenKey(params.code);
      const now = clock.now();
      const resources = params.resources ?? [];
      const defaultAccess = () => ({ token: mintToken('access'), expiresAt: app.expiring ? now + accessTtl : null });
      // `planned`: what the access token was minted for — the default policy (a code for the REST
      // API alone), or the bindings of the code as read before; `unknown` when it was not found.
      const redeemWith = (
        access: AccessValue,
        planned: 'default' | 'unknown' | { audience: string[] | null; scopes: string[] },
      ) =>
        repos.codes.redeem(
          codeDigest,
          app.id,
          now,
          (code): RedeemDecision<InvalidGrantError | InvalidTargetError, MintedTokens> => {
            const reject = (message: string) => ({ ok: false as const, error: new InvalidGrantError(message) });
            if (code.expiresAt <= now) return reject('The authorization code has expired.');
            // RFC 6749 §4.1.3: the redirect_uri must be identical to the one in the authorization request.
            if (params.redirectUri !== code.redirectUri) return reject('Redirect URI mismatch.');
            if (code.codeChallenge !== null) {
              if (params.codeVerifier === undefined) return reject("Missing required parameter 'code_verifier'.");
              if (!verifierMatches(params.codeVerifier, code.codeChallenge))
                return reject('The code_verifier does not match the code_challenge.');
            } else if (params.codeVerifier !== undefined) {
              // RFC 9700 §4.8.2: a verifier for a request made without a challenge is a PKCE downgrade.
              return reject('A code_verifier was sent, but the authorization request had no code_challenge.');
            }
            const audience = audienceOf(code.audience, resources);
            if (audience instanceof InvalidTargetError) return { ok: false, error: audience };
            if (planned === 'default') {
              if (audience !== null) return { ok: 'read_first' };
            } else if (
              planned === 'unknown' ||
              String(audience) !== String(planned.audience) ||
              String(code.scopes) !== String(planned.scopes)
            ) {
              return reject('The authorization code changed while it was redeemed.');
            }
            const minted = mint(
              app,
              { userId: code.userId, teamId: code.teamId, scopes: code.scopes, codeDigest, audience },
              access,
              now,
            );
            return { ok: true, tokens: minted.set, value: minted, events: [grantedEvent(minted.set)] };
          },
        );
      // A code for the REST API alone, with no `resource` asked (every Miro app's), gets an opaque
      // token of the default policy, minted before the code is read: no read before the redemption.
      // Any other code is read first and its access token follows its audience's token policy
      // (docs/platform.md), signed before the redemption's transaction, which rechecks the bindings.
      let result = resources.length === 0 ? await redeemWith(defaultAccess(), 'default') : undefined;
      if (result === undefined || result.kind === 'read_first') {
        const peeked = await repos.codes.peek(codeDigest, app.id);
        const peekedAudience = peeked ? audienceOf(peeked.audience, resources) : undefined;
        const planned =
          peeked && !(peekedAudience instanceof InvalidTargetError) && peekedAudience !== undefined
            ? { audience: peekedAudience, scopes: peeked.scopes }
            : undefined;
        const access =
          peeked && planned ? await accessFor(app, { userId: peeked.userId, ...planned }, now) : defaultAccess();
        result = await redeemWith(access, planned ?? 'unknown');
      }
      switch (result.kind) {
        case 'issued': {
          const { set, accessToken, refreshToken } = result.value;
          return response(set.family, accessToken, set.access.expiresAt, refreshToken);
        }
        case 'rejected':
          throw result.error;
        case 'replayed':
          await repos.audit.record({
            type: 'authorization_code_replay_detected',
            at: now,
            appId: result.code.appId,
            teamId: result.code.teamId,
            userId: result.code.userId,
            detail: { revokedFamilies: result.revokedFamilies.length },
          });
          throw new InvalidGrantError(INVALID_CODE, 'code replay: tokens issued from it revoked');
        case 'unknown':
        // Only the attempt with the default policy's token asks to read first; this one was planned.
        case 'read_first':
          throw new InvalidGrantError(INVALID_CODE, 'unknown code, or issued to another client');
      }
    },

    /**
     * RFC 6749 §6 with rotation (ARCHITECTURE.md decision 9): a new pair on every refresh, the old
     * pair dead at once; `scope` may narrow the grant. What the compare-and-set returned decides the
     * rest (`isParallelRetry`).
     */
    async refresh(
      app: App,
      refreshToken: string,
      scope: string[] | undefined,
      resources: string[] = [],
    ): Promise<TokenResponse> {
      if (!isWellFormedToken(refreshToken, 'refresh'))
        throw new InvalidGrantError(INVALID_REFRESH, 'malformed refresh token');
      const refreshDigest = tokenKey(refreshToken);
      const now = clock.now();
      const replayKey = deriveKey(refreshToken, 'refresh replay');
      const rotateWith = async (access: AccessValue, defaultAudienceOnly: boolean) => {
        const nextRefresh = mintToken('refresh');
        const accessExpiresAt = access.expiresAt ?? now + accessTtl;
        const payload: ReplayPayload = {
          access_token: access.token,
          refresh_token: nextRefresh,
          access_expires_at: accessExpiresAt,
        };
        const result = await repos.tokens.rotate(
          {
            digest: refreshDigest,
            appId: app.id,
            now,
            access: { digest: tokenKey(access.token), expiresAt: accessExpiresAt },
            refresh: { digest: tokenKey(nextRefresh), expiresAt: now + refreshTtl },
            replaySealed: seal(replayKey, JSON.stringify(payload), refreshDigest),
            scopeRequested: scope !== undefined || resources.length > 0,
            defaultAudienceOnly,
          },
          scopeFor(scope, resources),
        );
        return { result, access: access.token, accessExpiresAt, nextRefresh };
      };
      // A grant without an audience (every Miro app's) gets an opaque token of the default policy,
      // known before the family is read: the rotation stays one statement on PostgreSQL. Any other
      // grant's new access token follows its audience's token policy (docs/platform.md), decided
      // from the live family read first; the rotation's compare-and-set then decides the same way.
      let attempt =
        resources.length === 0
          ? await rotateWith({ token: mintToken('access'), expiresAt: now + accessTtl }, true)
          : undefined;
      if (attempt === undefined || attempt.result.kind === 'other_audience') {
        const live = await repos.tokens.findLiveRefresh(refreshDigest, now);
        const planned = live && live.family.appId === app.id ? scopeFor(scope, resources)(live.family) : undefined;
        const access = planned?.ok
          ? await accessFor(
              app,
              { userId: live?.family.userId ?? '', scopes: planned.scopes, audience: planned.audience ?? null },
              now,
            )
          : { token: mintToken('access'), expiresAt: now + accessTtl };
        attempt = await rotateWith(access, false);
      }
      const { result } = attempt;
      if (result.kind === 'rotated')
        return response(result.family, attempt.access, attempt.accessExpiresAt, attempt.nextRefresh);
      if (result.kind === 'rejected') throw result.error;
      if (result.kind === 'invalid' || result.kind === 'other_audience')
        throw new InvalidGrantError(INVALID_REFRESH, 'unknown, expired or foreign refresh token');
      if (isParallelRetry(result, now, graceMs)) {
        const replay = open(replayKey, result.replaySealed ?? '', refreshDigest);
        if (replay !== undefined) {
          const previous = JSON.parse(replay) as ReplayPayload;
          return response(result.family, previous.access_token, previous.access_expires_at, previous.refresh_token);
        }
      }
      await revokeForReuse(result.family, result.rotatedAt, now);
      throw new InvalidGrantError(INVALID_REFRESH, 'refresh token reuse: family revoked');
    },

    /** The apps the user has authorized, per team, that still hold a live token ("Authorized apps"). */
    grantsOf(userId: string): Promise<UserGrant[]> {
      return repos.tokens.grantsOf(userId, clock.now());
    },

    /**
     * The user takes back an authorization ("Authorized apps" → Revoke access): every live token
     * family of the user for the app in the team is revoked and the user's unredeemed codes for it
     * are spent; the app stays installed in the team. Returns how many families were revoked.
     */
    async revokeGrant(grant: { userId: string; appId: string; teamId: string }): Promise<number> {
      const now = clock.now();
      const revoked = await repos.tokens.revokeGrantsOf(grant, now, 'revoked_by_user', (ids) =>
        ids.map((id) =>
          outboxEvent('authorization.revoked', grant.teamId, now, {
            ...grantData({ id, ...grant }),
            reason: 'revoked_by_user',
          }),
        ),
      );
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

    /**
     * Checks an access token presented to a resource server (`resource`, one of the resource
     * servers' identifiers): a token issued for another audience is invalid there (RFC 8707 §2,
     * RFC 9068 §4).
     */
    async checkAccess(token: string, resource: string): Promise<AccessCheck> {
      if (!isAccessTokenShaped(token)) return { kind: 'invalid' };
      const check = judgeAccess(await repos.tokens.findAccess(tokenKey(token)));
      if (check.kind === 'valid' && !(check.grant.audience ?? servers.default).includes(resource)) {
        return { kind: 'invalid' };
      }
      return check;
    },

    /**
     * The same check, with the names `GET /v1/oauth-token` shows, in one query; a token in the
     * validated-token cache is judged without a promise.
     */
    context(token: string): AccessCheck<AccessContext> | Promise<AccessCheck<AccessContext>> {
      if (!isAccessTokenShaped(token)) return { kind: 'invalid' };
      const found = repos.tokens.findAccessWithContext(tokenKey(token));
      return found instanceof Promise ? found.then(judgeAccess) : judgeAccess(found);
    },

    /**
     * RFC 7662: a live token issued to the calling app, or a live access token for the calling
     * resource server's audience; inactive otherwise — never a word about anyone else's. A revoked
     * JWT access token is inactive here even before its `exp`.
     */
    async introspect(token: string, caller: IntrospectionCaller): Promise<Introspection> {
      if (isAccessTokenShaped(token)) {
        const check = judgeAccess(await repos.tokens.findAccess(tokenKey(token)));
        if (check.kind !== 'valid') return { kind: 'inactive' };
        const { grant } = check;
        const mine =
          'appId' in caller
            ? grant.appId === caller.appId
            : (grant.audience ?? servers.default).includes(caller.audience);
        if (mine) return { kind: 'access', grant };
      } else if (isWellFormedToken(token, 'refresh') && 'appId' in caller) {
        // Refresh tokens are the client's business, never a resource server's.
        const live = await repos.tokens.findLiveRefresh(tokenKey(token), clock.now());
        if (live && live.family.appId === caller.appId) return { kind: 'refresh', ...live };
      }
      return { kind: 'inactive' };
    },

    /**
     * Revokes the family of a live access or refresh token: access and refresh die together and the
     * app stays installed. With `appId`, only a token issued to that app is revoked. A dead token
     * revokes nothing, so an old leaked token cannot end the session that followed it. Returns
     * whether a live family was revoked.
     */
    async revoke(token: string, options: { appId?: string; actorId?: string } = {}): Promise<boolean> {
      const now = clock.now();
      const tokenDigest = tokenKey(token);
      let family: { id: string; appId: string; teamId: string; userId: string } | undefined;
      if (isAccessTokenShaped(token)) {
        const grant = await repos.tokens.findAccess(tokenDigest);
        if (grant) family = { id: grant.familyId, appId: grant.appId, teamId: grant.teamId, userId: grant.userId };
      } else if (isWellFormedToken(token, 'refresh')) {
        family = (await repos.tokens.findLiveRefresh(tokenDigest, now))?.family;
      }
      if (!family || (options.appId !== undefined && family.appId !== options.appId)) return false;
      const revoked = await repos.tokens.revokeFamily(family.id, now, 'revoked', [
        outboxEvent('authorization.revoked', family.teamId, now, { ...grantData(family), reason: 'revoked' }),
      ]);
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
