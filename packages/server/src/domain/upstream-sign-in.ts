import type { UpstreamProvider } from '../config/upstream-providers.js';
import { numericId } from '../lib/ids.js';
import {
  type OpenIdRelyingParty,
  type UpstreamClaims,
  type UpstreamFlow,
  UpstreamRejectedError,
} from '../lib/openid-relying-party.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import type { UserRow } from '../storage/repositories/users.js';
import type { TeamRole } from '../storage/schema.js';
import { NotFoundError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** How long a browser has between leaving for the provider and coming back (RFC 6749 §10.12). */
const FLOW_TTL_MS = 10 * 60 * 1000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const FLOW_PURPOSE = 'upstream sign-in flow';

/** The sealed contents of the flow cookie: the RP's secrets, where to return, and until when. */
interface SealedFlow extends UpstreamFlow {
  provider: string;
  returnTo: string;
  expiresAt: number;
}

/** What a completed upstream sign-in gives the web surface. */
export interface UpstreamSignIn {
  user: UserRow;
  returnTo: string;
}

// Control characters (NUL, which PostgreSQL text cannot hold) and lone UTF-16 surrogates.
const UNFIT = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A claim's text, or undefined when it is absent, empty, or holds what no page or column can. */
function stringClaim(claims: UpstreamClaims, name: string): string | undefined {
  const value = claims[name];
  if (typeof value !== 'string' || UNFIT.test(value)) return undefined;
  return value.trim() === '' ? undefined : value.trim();
}

function groupsOf(claims: UpstreamClaims, name: string): Set<string> {
  const value = claims[name];
  if (typeof value === 'string') return new Set([value]);
  return new Set(Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : []);
}

/** The role each mapped team should give, from the groups: the highest one any matching group names. */
export function mappedRoles(provider: UpstreamProvider, groups: Set<string>): Map<string, TeamRole> {
  const roles = new Map<string, TeamRole>();
  for (const mapping of provider.teams) {
    if (!groups.has(mapping.group)) continue;
    if (roles.get(mapping.teamId) !== 'admin') roles.set(mapping.teamId, mapping.role);
  }
  return roles;
}

/**
 * Sign-in through upstream OpenID Connect providers (ARCHITECTURE.md decision 20, docs/federation.md).
 * The relying party checks the protocol; this decides who the user is: the account linked to the
 * `iss` + `sub`; else, on a first sign-in, an existing account with the same email only when the
 * provider says the email is verified and its setting allows linking; else a new account without a
 * password. Team memberships follow the provider's groups through its mapping.
 */
export function upstreamSignInService({ config, repos, clock }: ServiceContext, relyingParty: OpenIdRelyingParty) {
  const flowKey = deriveKey(config.secretKey, FLOW_PURPOSE);

  function providerOf(id: string): UpstreamProvider {
    const provider = config.upstreamProviders.find((p) => p.id === id);
    if (!provider) throw new NotFoundError(`There is no identity provider '${id}'.`);
    return provider;
  }

  function redirectUri(provider: UpstreamProvider): string {
    return `${config.publicUrl}/signin/upstream/${provider.id}/callback`;
  }

  function openFlow(sealed: string | undefined, providerId: string): SealedFlow {
    const plain = sealed === undefined ? undefined : open(flowKey, sealed, FLOW_PURPOSE);
    let flow: SealedFlow | undefined;
    try {
      flow = plain === undefined ? undefined : (JSON.parse(plain) as SealedFlow);
    } catch {
      flow = undefined;
    }
    if (!flow || flow.provider !== providerId || flow.expiresAt <= clock.now()) {
      throw new UpstreamRejectedError(
        'no_flow',
        'This sign-in expired or was started in another browser. Please start again.',
      );
    }
    return flow;
  }

  async function audit(
    type: 'upstream_sign_in' | 'upstream_account_linked' | 'upstream_sign_in_refused',
    provider: UpstreamProvider,
    userId: string | null,
    detail: Record<string, unknown> = {},
  ) {
    await repos.audit.record({
      type,
      at: clock.now(),
      actorId: userId,
      userId,
      detail: { provider: provider.id, providerName: provider.name, issuer: provider.issuer, ...detail },
    });
  }

  /** The user an upstream account signs in as, linking or creating it on a first sign-in. */
  async function userFor(provider: UpstreamProvider, claims: UpstreamClaims): Promise<UserRow> {
    // OIDC Core §2: `sub` is at most 255 ASCII characters; anything else is refused, never stored.
    if (!/^[\x20-\x7e]{1,255}$/.test(claims.sub) || UNFIT.test(claims.iss)) {
      throw new UpstreamRejectedError(
        'invalid_subject',
        `${provider.name} identified the account in a way Grantboard cannot use.`,
      );
    }
    const email = stringClaim(claims, provider.claims.email)?.toLowerCase();
    const now = clock.now();
    const linked = await repos.users.findByIdentity(claims.iss, claims.sub);
    if (linked) {
      await repos.users.recordIdentitySignIn(claims.iss, claims.sub, email ?? null, now);
      await audit('upstream_sign_in', provider, linked.user.id);
      return linked.user;
    }
    if (!email || !EMAIL.test(email)) {
      throw new UpstreamRejectedError(
        'no_email',
        `${provider.name} shared no email address, and Grantboard needs one for a new account.`,
      );
    }
    const identity = {
      issuer: claims.iss,
      subject: claims.sub,
      provider_id: provider.id,
      email,
      created_at: now,
      last_sign_in_at: now,
    };
    const existing = await repos.users.findByEmail(email);
    let user: UserRow;
    let via: 'verified_email' | 'new_user';
    if (existing) {
      // OIDC Core §5.7: only a verified email says the upstream account belongs to the same person.
      if (!provider.linkByEmail || claims.email_verified !== true) {
        throw new UpstreamRejectedError(
          'email_in_use',
          `An account with the email ${email} already exists. Sign in to it the way you usually do.`,
        );
      }
      user = existing;
      via = 'verified_email';
      if (!(await repos.users.link({ ...identity, user_id: user.id }))) return lost(claims);
    } else {
      const name = (stringClaim(claims, provider.claims.name) ?? email.split('@')[0] ?? email).slice(0, 100);
      user = { id: numericId(), email, name, password_hash: null, created_at: now };
      via = 'new_user';
      if (!(await repos.users.link({ ...identity, user_id: user.id }, user))) return lost(claims);
    }
    await audit('upstream_account_linked', provider, user.id, { via });
    await audit('upstream_sign_in', provider, user.id);
    return user;
  }

  /** Another sign-in of the same account (or email) won the race: use what it linked. */
  async function lost(claims: UpstreamClaims): Promise<UserRow> {
    const linked = await repos.users.findByIdentity(claims.iss, claims.sub);
    if (linked) return linked.user;
    throw new UpstreamRejectedError(
      'email_in_use',
      `An account with this email was just created. Sign in to it the way you usually do.`,
    );
  }

  /** Team memberships from the groups claim: each mapped team gets the role its groups name. */
  async function applyGroups(provider: UpstreamProvider, claims: UpstreamClaims, user: UserRow): Promise<void> {
    if (provider.teams.length === 0) return;
    const groups = groupsOf(claims, provider.claims.groups);
    for (const [teamId, role] of mappedRoles(provider, groups)) {
      if (!(await repos.teams.findById(teamId))) continue;
      if ((await repos.teams.role(teamId, user.id)) === role) continue;
      const now = clock.now();
      await repos.teams.setMember(teamId, user.id, role, now);
      const group = provider.teams.find((m) => m.teamId === teamId && m.role === role && groups.has(m.group))?.group;
      await repos.audit.record({
        type: 'team_membership_from_upstream',
        at: now,
        teamId,
        userId: user.id,
        detail: { provider: provider.id, providerName: provider.name, group, role },
      });
    }
  }

  return {
    /** Whether the sign-in page offers email and password. */
    localPasswords: config.localPasswords,

    /** The providers the sign-in page offers, in configuration order. */
    providers(): { id: string; name: string }[] {
      return config.upstreamProviders.map(({ id, name }) => ({ id, name }));
    },

    /**
     * Starts a sign-in: the provider's authorization URL, and the sealed flow the browser keeps in
     * a cookie until the callback (so the flow is bound to the browser that started it).
     */
    async begin(providerId: string, returnTo: string): Promise<{ url: string; sealedFlow: string }> {
      const provider = providerOf(providerId);
      const { url, flow } = await relyingParty.begin(provider, redirectUri(provider));
      const sealed: SealedFlow = { ...flow, provider: provider.id, returnTo, expiresAt: clock.now() + FLOW_TTL_MS };
      return { url, sealedFlow: seal(flowKey, JSON.stringify(sealed), FLOW_PURPOSE) };
    },

    /** How long the flow cookie should live. */
    flowTtlSeconds: FLOW_TTL_MS / 1000,

    /**
     * Completes a sign-in from the provider's redirect: checks it against the browser's flow,
     * validates the tokens, and returns the user (linked or created) and where to go next.
     * `UpstreamRejectedError` for any refusal (audited when the browser had a flow).
     */
    async complete(providerId: string, callbackUrl: URL, sealedFlow: string | undefined): Promise<UpstreamSignIn> {
      const provider = providerOf(providerId);
      const flow = openFlow(sealedFlow, provider.id);
      try {
        const claims = await relyingParty.complete(provider, redirectUri(provider), callbackUrl, flow);
        const user = await userFor(provider, claims);
        await applyGroups(provider, claims, user);
        return { user, returnTo: flow.returnTo };
      } catch (error) {
        if (error instanceof UpstreamRejectedError) {
          await audit('upstream_sign_in_refused', provider, null, { reason: error.reason });
          // The sign-in page shown instead keeps the way back (to a pending consent, say).
          error.returnTo = flow.returnTo;
        }
        throw error;
      }
    },
  };
}

export type UpstreamSignInService = ReturnType<typeof upstreamSignInService>;

export { UpstreamRejectedError, UpstreamUnavailableError } from '../lib/openid-relying-party.js';
