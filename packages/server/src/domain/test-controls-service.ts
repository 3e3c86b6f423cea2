import type { TokenResponse } from '@grantboard/protocol';
import { isWellFormedToken, tokenKey } from '../lib/tokens.js';
import type { App } from '../storage/repositories/apps.js';
import type { AuditEventType } from '../storage/repositories/audit.js';
import type { TokenFault } from '../storage/repositories/test-controls.js';
import type { AuthorizationService } from './authorization-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { InstallService } from './install-service.js';
import type { ResourceServerService } from './resource-server-service.js';
import type { ServiceContext } from './service-context.js';
import type { TokenService } from './token-service.js';

export type { TokenFault } from '../storage/repositories/test-controls.js';

/** The test controls are off (ARCHITECTURE.md decision 18): every surface answers as if they did not exist. */
export class TestControlsOffError extends NotFoundError {
  constructor() {
    super('Test controls are off. Start Grantboard with GRANTBOARD_TEST_CONTROLS=on to use them.');
  }
}

/** Who asked: a person signed in to the console, or the operator's CLI and admin API (null). */
export type ControlActor = string | null;

export interface GrantRequest {
  appId: string;
  userId: string;
  teamId: string;
  /** A subset of the app's scopes; all of them when absent. */
  scopes?: string[] | undefined;
}

export interface CodeRequest extends GrantRequest {
  /** One of the app's redirect URIs; its first when absent. */
  redirectUri?: string | undefined;
  /** An RFC 7636 S256 challenge, for an app whose PKCE is under test. */
  codeChallenge?: string | undefined;
}

const MAX_FAULTS = 1000;
const MAX_SECONDS = 10 * 365 * 24 * 3600;

function whole(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new ValidationError(`${name} must be a whole number from ${min} to ${max}.`, name);
  return value;
}

/**
 * Tokens without a browser and the test controls an app developer drives: the same records the
 * authorization code flow writes, and failures on demand. Every use is audited.
 */
export function testControlsService(
  { config, repos, clock }: ServiceContext,
  deps: {
    tokens: TokenService;
    installs: InstallService;
    authorization: AuthorizationService;
    resourceServers: Pick<ResourceServerService, 'audienceFor'>;
  },
) {
  function ensureOn(): void {
    if (!config.testControls) throw new TestControlsOffError();
  }

  async function appOf(appId: string): Promise<App> {
    const app = /^\d{1,30}$/.test(appId) ? await repos.apps.findById(appId) : undefined;
    if (!app) throw new NotFoundError(`There is no app with client id ${appId}.`);
    return app;
  }

  async function audit(type: AuditEventType, actorId: ControlActor, event: Record<string, unknown>) {
    const { appId, teamId, userId, ...detail } = event as {
      appId?: string;
      teamId?: string;
      userId?: string;
    } & Record<string, unknown>;
    await repos.audit.record({
      type,
      at: clock.now(),
      actorId,
      appId: appId ?? null,
      teamId: teamId ?? null,
      userId: userId ?? null,
      detail,
    });
  }

  /** The checks the consent page makes: a member of the team, scopes the app is registered for. */
  async function grantOf(request: GrantRequest): Promise<{ app: App; scopes: string[] }> {
    const app = await appOf(request.appId);
    if (!(await repos.teams.role(request.teamId, request.userId)))
      throw new ValidationError(`User ${request.userId} is not a member of team ${request.teamId}.`, 'userId');
    const scopes = request.scopes ?? app.scopes;
    const extra = scopes.filter((scope) => !app.scopes.includes(scope));
    if (extra.length > 0)
      throw new ValidationError(`App ${app.id} is not registered for: ${extra.join(' ')}.`, 'scopes');
    if (scopes.length === 0) throw new ValidationError('Name at least one scope.', 'scopes');
    // The code flow installs the app in the team (or widens its scopes) before it issues anything.
    await deps.installs.install(app, request.teamId, request.userId, scopes);
    return { app, scopes };
  }

  async function tokenTarget(token: string): Promise<{ digest: string; kind: 'access' | 'refresh' }> {
    if (isWellFormedToken(token, 'access')) return { digest: tokenKey(token), kind: 'access' };
    if (isWellFormedToken(token, 'refresh')) return { digest: tokenKey(token), kind: 'refresh' };
    throw new ValidationError('That is not a Grantboard access or refresh token.', 'token');
  }

  return {
    /** Whether the controls are on in this process. */
    get enabled(): boolean {
      return config.testControls;
    },

    /** One token family, as the code flow would issue it; audited as issued for tests. */
    async issueTokens(request: GrantRequest, actorId: ControlActor = null): Promise<TokenResponse> {
      const { app, scopes } = await grantOf(request);
      const tokens = await deps.tokens.issue(app, { userId: request.userId, teamId: request.teamId, scopes });
      await audit('tokens_issued_for_test', actorId, { ...request, scopes: scopes.join(' ') });
      return tokens;
    },

    /** An authorization code bound as the authorization page binds one, for an app whose exchange is under test. */
    async issueCode(
      request: CodeRequest,
      actorId: ControlActor = null,
    ): Promise<{ code: string; redirectUri: string }> {
      const { app, scopes } = await grantOf(request);
      const redirectUri = request.redirectUri ?? app.redirectUris[0];
      if (redirectUri === undefined || !app.redirectUris.includes(redirectUri))
        throw new ValidationError(`The redirect URI is not registered for app ${app.id}.`, 'redirectUri');
      if (app.isPublic && request.codeChallenge === undefined)
        throw new ValidationError(
          'A public app needs a PKCE code challenge (ARCHITECTURE.md decision 7).',
          'codeChallenge',
        );
      if (request.codeChallenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(request.codeChallenge))
        throw new ValidationError(
          'The code challenge must be an S256 challenge: 43 base64url characters.',
          'codeChallenge',
        );
      const code = await deps.authorization.issueCode(
        {
          app,
          redirectUri,
          scopes,
          codeChallenge: request.codeChallenge,
          // The audience the scopes' owners make, as at the authorization endpoint (docs/platform.md).
          audience: await deps.resourceServers.audienceFor(app, scopes, []),
        },
        request.userId,
        request.teamId,
      );
      await audit('code_issued_for_test', actorId, { appId: app.id, teamId: request.teamId, userId: request.userId });
      return { code, redirectUri };
    },

    /** The access token expires now: the next API call gets 401 `tokenExpired`. */
    async expireAccessToken(token: string, actorId: ControlActor = null): Promise<void> {
      ensureOn();
      const target = await tokenTarget(token);
      if (target.kind !== 'access') throw new ValidationError('That is a refresh token, not an access token.', 'token');
      const grant = await repos.tokens.findAccess(target.digest);
      if (!grant || !(await repos.testControls.expireAccess(target.digest, clock.now())))
        throw new NotFoundError('There is no live expiring access token with that value.');
      await audit('test_control_used', actorId, { control: 'expire_access_token', ...ids(grant) });
    },

    /** The refresh token expires now (`invalid_grant` on refresh), or its whole family is revoked. */
    async endRefreshToken(token: string, how: 'expire' | 'revoke', actorId: ControlActor = null): Promise<void> {
      ensureOn();
      const target = await tokenTarget(token);
      if (target.kind !== 'refresh')
        throw new ValidationError('That is an access token, not a refresh token.', 'token');
      const live = await repos.tokens.findLiveRefresh(target.digest, clock.now());
      if (!live) throw new NotFoundError('There is no live refresh token with that value.');
      if (how === 'expire') await repos.testControls.expireRefresh(target.digest, clock.now());
      else await deps.tokens.revoke(token, { appId: live.family.appId, ...(actorId ? { actorId } : {}) });
      await audit('test_control_used', actorId, { control: `${how}_refresh_token`, ...ids(live.family) });
    },

    /** The next `count` token requests of the app (any process, any grant) fail with `fault`. */
    async failTokenRequests(appId: string, count: number, fault: TokenFault, actorId: ControlActor = null) {
      ensureOn();
      await appOf(appId);
      whole(count, 'count', 0, MAX_FAULTS);
      if (fault.kind === 'temporarily_unavailable') whole(fault.retryAfterSeconds, 'retryAfterSeconds', 0, 3600);
      if (fault.kind === 'delay') whole(fault.delayMs, 'delayMs', 1, 60_000);
      await repos.testControls.setTokenFault(appId, fault, count, clock.now());
      await audit('test_control_used', actorId, { control: 'fail_token_requests', appId, count, ...fault });
    },

    /** The fault this token request of the app gets, if one is pending; nothing at all when the controls are off. */
    takeTokenFault(appId: string): Promise<TokenFault | undefined> {
      return config.testControls ? repos.testControls.takeTokenFault(appId) : Promise.resolve(undefined);
    },

    /** The REST API and the Web SDK answer 429 to the user of the app for `seconds`. */
    async rateLimit(appId: string, userId: string, seconds: number, actorId: ControlActor = null) {
      ensureOn();
      await appOf(appId);
      whole(seconds, 'seconds', 0, 24 * 3600);
      await repos.testControls.denyRate(appId, userId, clock.now() + seconds * 1000);
      await audit('test_control_used', actorId, { control: 'rate_limit', appId, userId, seconds });
    },

    /** Until when the user of the app is refused by a `rateLimit` control, if still ahead. */
    rateDeniedUntil(appId: string, userId: string): Promise<number | undefined> {
      return repos.testControls.rateDeniedUntil(appId, userId, clock.now());
    },

    /** Uninstall as a team admin would: every token of the app in the team stops working at once. */
    async uninstall(appId: string, teamId: string, actorId: ControlActor = null) {
      ensureOn();
      const result = await deps.installs.uninstall(appId, teamId, null);
      await audit('test_control_used', actorId, { control: 'uninstall', appId, teamId });
      return result;
    },

    /** Installs the app again in the team with all its scopes, as `userId` (a member) would. */
    async reinstall(appId: string, teamId: string, userId: string, actorId: ControlActor = null) {
      ensureOn();
      const app = await appOf(appId);
      if (!(await repos.teams.role(teamId, userId)))
        throw new ValidationError(`User ${userId} is not a member of team ${teamId}.`, 'userId');
      await deps.installs.install(app, teamId, userId, app.scopes);
      await audit('test_control_used', actorId, { control: 'reinstall', appId, teamId, userId });
    },

    /** The app's tokens and codes age by `seconds`, as if that much time had passed for this app alone. */
    async advanceClock(appId: string, seconds: number, actorId: ControlActor = null) {
      ensureOn();
      await appOf(appId);
      whole(seconds, 'seconds', 1, MAX_SECONDS);
      await repos.testControls.age(appId, seconds * 1000);
      await audit('test_control_used', actorId, { control: 'advance_clock', appId, seconds });
    },
  };
}

function ids(grant: { appId: string; teamId: string; userId: string }) {
  return { appId: grant.appId, teamId: grant.teamId, userId: grant.userId };
}

export type TestControlsService = ReturnType<typeof testControlsService>;
