import type { TokenResponse } from '@grantboard/protocol';
import { type Fixtures, type LoadedFixtures, startEmbedded } from '@grantboard/server/embedded';

export type { Fixtures } from '@grantboard/server/embedded';

/** Options of {@link startGrantboard}. */
export interface StartOptions {
  /** A fixtures document (docs/testing.md), or the path of a fixtures file. */
  fixtures?: Fixtures | string;
  /** Further server configuration as environment variables, e.g. `{ ACCESS_TOKEN_TTL_SECONDS: '60' }`. */
  env?: Record<string, string>;
}

/** An app of the fixtures, with the credentials its `.env` would hold. */
export interface TestApp {
  name: string;
  clientId: string;
  /** Absent for a public app. */
  clientSecret?: string;
  redirectUris: string[];
  scopes: string[];
}

/** An app by name or client id, a user by email or id, a team by name or id. */
export type AppRef = string;
export type UserRef = string;
export type TeamRef = string;

/** What {@link Grantboard.failNextRefresh} makes the next token requests answer. */
export type TokenFailure =
  | { error: 'invalid_grant' }
  | { error: 'temporarily_unavailable'; retryAfterSeconds?: number }
  | { error: 'delay'; delayMs: number };

/** An admin API refusal (`{"error":{"code","message","field"}}`, docs/testing.md). */
export class GrantboardAdminError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(`${message} (${code}, HTTP ${status})`);
    this.name = 'GrantboardAdminError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** A running Grantboard with its fixtures and the test controls; see the README. */
export interface Grantboard {
  /** The server's origin: the app's authorization, token and API base URL. */
  readonly url: string;
  /** A bearer token for the admin API at `${url}/admin/v1`. */
  readonly adminToken: string;
  /** The fixtures' apps by name, with their client ids and secrets. */
  readonly apps: Record<string, TestApp>;
  /** The fixtures' users: email → id. */
  readonly users: Record<string, string>;
  /** The fixtures' teams: name → id. */
  readonly teams: Record<string, string>;
  /** The app, by name or client id. */
  app(ref: AppRef): TestApp;
  /**
   * The token response the code flow would give the app for the user in the team (the app's first
   * fixtures installation when `team` is left out), without a browser.
   */
  issueToken(grant: { app: AppRef; user: UserRef; team?: TeamRef; scopes?: string[] }): Promise<TokenResponse>;
  /** An authorization code for the app, as the authorization page would redirect with. */
  issueCode(grant: {
    app: AppRef;
    user: UserRef;
    team?: TeamRef;
    scopes?: string[];
    redirectUri?: string;
    codeChallenge?: string;
  }): Promise<{ code: string; redirectUri: string }>;
  /** The access token expires now: the next API call with it answers 401 `tokenExpired`. */
  expireAccessToken(accessToken: string): Promise<void>;
  /** The refresh token expires now: refreshing with it answers `invalid_grant`. */
  expireRefreshToken(refreshToken: string): Promise<void>;
  /** The refresh token's whole family is revoked. */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /**
   * The app's next `count` (default 1) token requests fail: `invalid_grant`, a 503
   * `temporarily_unavailable` with `Retry-After` (default 1 s), or a delay. Any grant counts, the
   * code exchange as well as a refresh.
   */
  failNextRefresh(app: AppRef, failure: TokenFailure, count?: number): Promise<void>;
  /** The REST API and the Web SDK answer 429 (with `Retry-After`) to the user of the app for `seconds`; 0 lifts it. */
  rateLimit(app: AppRef, user: UserRef, seconds: number): Promise<void>;
  /** Uninstalls the app from the team: every one of its tokens there answers 401 at once. */
  uninstall(app: AppRef, team?: TeamRef): Promise<{ revokedFamilies: number }>;
  /** Installs the app in the team again, as the user. */
  reinstall(app: AppRef, user: UserRef, team?: TeamRef): Promise<void>;
  /** The app's tokens and codes age by `seconds`, as if that time had passed for this app alone. */
  advanceClock(app: AppRef, seconds: number): Promise<void>;
  /** Any admin API operation (`/admin/v1/openapi.json`), e.g. `admin('POST', '/apps', {...})`. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the server and drops its in-memory database. */
  stop(): Promise<void>;
}

/**
 * Starts Grantboard in this process on a free port of 127.0.0.1 with an in-memory database, the
 * fixtures loaded and the test controls on. The helpers call the server's admin API (`/admin/v1`)
 * with an admin token made up for it, so they go through the same services as the CLI and the
 * console, and every use is in the audit log.
 */
export async function startGrantboard(options: StartOptions = {}): Promise<Grantboard> {
  const server = await startEmbedded({ fixtures: options.fixtures, env: options.env });
  return grantboardOf(server.url, server.adminToken, server.fixtures, () => server.close());
}

function grantboardOf(url: string, adminToken: string, loaded: LoadedFixtures, close: () => Promise<void>): Grantboard {
  const apps: Record<string, TestApp> = {};
  const installedIn = new Map<string, string[]>();
  for (const { installedIn: teams, ...app } of loaded.apps) {
    apps[app.name] = app;
    installedIn.set(app.clientId, teams);
  }
  const users = Object.fromEntries(loaded.users.map((u) => [u.email, u.id]));
  const teams = Object.fromEntries(loaded.teams.map((t) => [t.name, t.id]));

  function app(ref: AppRef): TestApp {
    const found = apps[ref] ?? Object.values(apps).find((a) => a.clientId === ref);
    if (!found) throw new TypeError(`No app named or with client id ${ref} in the fixtures.`);
    return found;
  }
  const appId = (ref: AppRef) => (/^\d+$/.test(ref) && !apps[ref] ? ref : app(ref).clientId);
  const userId = (ref: UserRef) => users[ref.trim().toLowerCase()] ?? ref;
  function teamId(ref: TeamRef | undefined, appRef: AppRef): string {
    if (ref !== undefined) return teams[ref] ?? ref;
    const first = installedIn.get(appId(appRef))?.[0];
    if (first === undefined) throw new TypeError(`App ${appRef} has no installation in the fixtures: name the team.`);
    return first;
  }

  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } })?.error ?? {};
      throw new GrantboardAdminError(
        response.status,
        error.code ?? 'unknown',
        error.message ?? `HTTP ${response.status}`,
        error.field,
      );
    }
    return parsed as T;
  }
  const control = (name: string, body: unknown) => admin<void>('POST', `/test-controls/${name}`, body);
  const grant = (g: { app: AppRef; user: UserRef; team?: TeamRef; scopes?: string[] }) => ({
    appId: appId(g.app),
    userId: userId(g.user),
    teamId: teamId(g.team, g.app),
    ...(g.scopes ? { scopes: g.scopes } : {}),
  });

  return {
    url,
    adminToken,
    apps,
    users,
    teams,
    app,
    admin,
    issueToken: (g) => admin<TokenResponse>('POST', '/tokens', grant(g)),
    issueCode: (g) =>
      admin('POST', '/codes', {
        ...grant(g),
        ...(g.redirectUri ? { redirectUri: g.redirectUri } : {}),
        ...(g.codeChallenge ? { codeChallenge: g.codeChallenge } : {}),
      }),
    expireAccessToken: (token) => control('expire-access-token', { token }),
    expireRefreshToken: (token) => control('expire-refresh-token', { token }),
    revokeRefreshToken: (token) => control('revoke-refresh-token', { token }),
    failNextRefresh: (ref, failure, count = 1) =>
      control('fail-token-requests', { appId: appId(ref), count, ...failure }),
    rateLimit: (ref, user, seconds) => control('rate-limit', { appId: appId(ref), userId: userId(user), seconds }),
    uninstall: (ref, team) =>
      admin('POST', '/test-controls/uninstall', { appId: appId(ref), teamId: teamId(team, ref) }),
    reinstall: (ref, user, team) =>
      control('reinstall', { appId: appId(ref), teamId: teamId(team, ref), userId: userId(user) }),
    advanceClock: (ref, seconds) => control('advance-clock', { appId: appId(ref), seconds }),
    stop: close,
  };
}
