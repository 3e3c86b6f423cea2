import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PATHS } from '@grantboard/protocol';
import { stringify as stringifyYaml } from 'yaml';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { seedDemo } from './demo.js';
import type { AppChanges } from './domain/app-service.js';
import { ForbiddenError, NotFoundError, ValidationError } from './domain/errors.js';
import { createServices, type Services } from './domain/services.js';
import type { TokenFault } from './domain/test-controls-service.js';
import { exportFixtures } from './fixtures/export.js';
import { FixturesError, isYamlPath, loadFixtures, readFixtures } from './fixtures/load.js';
import { systemClock } from './lib/clock.js';
import { serve } from './main.js';
import { type Database, DatabaseNotFoundError, openDatabase } from './storage/database.js';
import { migrateToLatest, pendingMigrations } from './storage/migrate.js';
import type { App } from './storage/repositories/apps.js';
import { createRepositories, type Repositories } from './storage/repositories/index.js';

const USAGE = `Usage: grantboard <command> [options]

  serve [--fixtures FILE]                migrate, load the fixtures (JSON or YAML, docs/testing.md), then serve HTTP
  migrate                                apply pending database migrations
  demo                                   seed demo data once and print how to try it
  users create --email E --password P --name N
  users list
  teams create --name N [--org ORG_ID]
  teams list
  teams add-member --team T --user U --role member|admin
  apps create --name N --team T --redirect-uri U [--redirect-uri U2 …] --scopes "boards:read boards:write"
              (--expiring | --non-expiring) [--public] [--created-by USER_ID]
              [--client-id ID --client-secret SECRET]   keep an existing app's credentials
  apps list [--team T]
  apps show CLIENT_ID
  apps update CLIENT_ID [--name N] [--redirect-uri U …] [--app-url URL] [--sdk-redirect-uri U]
              [--scopes "…"]            --redirect-uri replaces the list; --app-url= clears
  apps rotate-secret CLIENT_ID           issue a new client secret; the old one stops working
  resource-servers create --identifier URI --name N --scope "name=consent text" [--scope …]
              [--org ORG_ID] [--token-format opaque|jwt] [--ttl SECONDS]
                                         register an API (docs/platform.md); prints its introspection secret once
  resource-servers list
  keys reseal                            re-encrypt client secrets under GRANTBOARD_SECRET_KEY
                                         (old keys in GRANTBOARD_PREVIOUS_SECRET_KEYS)
  fixtures load FILE                     load a fixtures file (JSON or YAML) into the database, idempotently
  fixtures export [--out FILE]           the database as a fixtures document, YAML for FILE.yaml (secrets and password
                                         hashes included: keep the file private); stdout without --out
  installs list [--team T]
  installs remove --app CLIENT_ID --team T
  tokens issue --app CLIENT_ID --user U --team T [--scopes "…"]
                                         the tokens the code flow would issue, without a browser
  codes issue --app CLIENT_ID --user U --team T [--scopes "…"] [--redirect-uri U] [--code-challenge C]
                                         an authorization code, for an app whose code exchange is under test
  controls …                             test controls (GRANTBOARD_TEST_CONTROLS=on), every use audited:
    expire-access --token T              the access token expires now
    expire-refresh --token T             the refresh token expires now
    revoke-refresh --token T             the refresh token's family is revoked
    fail-token --app A --count N --error invalid_grant|temporarily_unavailable|delay
               [--retry-after S] [--delay-ms MS]   the app's next N token requests fail
    rate-limit --app A --user U --seconds N        REST API and Web SDK answer 429 for N seconds
    uninstall --app A --team T / reinstall --app A --team T --user U
    advance-clock --app A --seconds N    the app's tokens age as if N seconds had passed

Commands that create, change or list something take --json and then print one JSON
document; a failure then prints {"error":{"code","message"}} on stderr. Only serve, migrate,
demo and the create commands create a database; the others want an existing one.
Configuration: PORT, HOST, PUBLIC_URL, DATABASE_URL, REDIS_URL, GRANTBOARD_SECRET_KEY, … (see README).`;

/** A mistake in how the command was called: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** The database is there but older than this release: `grantboard migrate` first. */
class OutdatedDatabaseError extends Error {}

interface Env {
  config: Config;
  database: Database;
  repos: Repositories;
  services: Services;
}

type Options = Record<string, string | boolean | string[] | undefined>;

function option(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`Missing --${name}.`);
  return value;
}

function print(json: boolean, document: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

function appDocument(app: App, env: Env, withSecret: boolean) {
  return {
    clientId: app.id,
    name: app.name,
    teamId: app.teamId,
    public: app.isPublic,
    expiring: app.expiring,
    redirectUris: app.redirectUris,
    appUrl: app.sdkUri,
    sdkRedirectUri: app.sdkRedirectUri,
    scopes: app.scopes,
    createdAt: new Date(app.createdAt).toISOString(),
    ...(withSecret && !app.isPublic ? { clientSecret: env.services.apps.revealSecret(app) } : {}),
  };
}

function authorizationLink(config: Config, clientId: string, redirectUri: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: 'try-it',
  });
  return `${config.publicUrl}${PATHS.authorize}?${params}`;
}

interface Command {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  positionals?: boolean;
  /**
   * `create` (the default) creates and migrates the database as needed; `existing` migrates one that
   * is there and never creates it; `read` neither creates nor migrates it, and wants it migrated.
   */
  database?: 'create' | 'existing' | 'read';
  run(env: Env, options: Options, positionals: string[]): Promise<void>;
}

const grantOptions = {
  app: { type: 'string' },
  user: { type: 'string' },
  team: { type: 'string' },
  scopes: { type: 'string' },
} as const;

function grantRequest(o: Options) {
  return {
    appId: option(o, 'app'),
    userId: option(o, 'user'),
    teamId: option(o, 'team'),
    scopes: o.scopes === undefined ? undefined : (o.scopes as string).split(/[\s,]+/).filter(Boolean),
  };
}

function count(o: Options, name: string): number {
  const raw = option(o, name);
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, not '${raw}'.`);
  return Number(raw);
}

function tokenFault(o: Options): TokenFault {
  const error = option(o, 'error');
  if (error === 'invalid_grant') return { kind: error };
  if (error === 'temporarily_unavailable')
    return { kind: error, retryAfterSeconds: o['retry-after'] === undefined ? 1 : count(o, 'retry-after') };
  if (error === 'delay') return { kind: error, delayMs: count(o, 'delay-ms') };
  throw new UsageError(`--error must be invalid_grant, temporarily_unavailable or delay, not '${error}'.`);
}

/** `grantboard controls …`: the test controls of docs/testing.md, through the same service as /admin/v1. */
const controlCommands: Record<string, Command> = {
  'controls expire-access': {
    options: { token: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      await env.services.testControls.expireAccessToken(option(o, 'token'));
      print(!!o.json, { expired: true }, 'The access token has expired.');
    },
  },
  'controls expire-refresh': {
    options: { token: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      await env.services.testControls.endRefreshToken(option(o, 'token'), 'expire');
      print(!!o.json, { expired: true }, 'The refresh token has expired.');
    },
  },
  'controls revoke-refresh': {
    options: { token: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      await env.services.testControls.endRefreshToken(option(o, 'token'), 'revoke');
      print(!!o.json, { revoked: true }, 'The refresh token and its access tokens are revoked.');
    },
  },
  'controls fail-token': {
    options: {
      app: { type: 'string' },
      count: { type: 'string' },
      error: { type: 'string' },
      'retry-after': { type: 'string' },
      'delay-ms': { type: 'string' },
    },
    database: 'existing',
    async run(env, o) {
      const fault = tokenFault(o);
      const n = count(o, 'count');
      await env.services.testControls.failTokenRequests(option(o, 'app'), n, fault);
      print(
        !!o.json,
        { appId: o.app, count: n, ...fault },
        `The next ${n} token requests of app ${o.app} fail (${fault.kind}).`,
      );
    },
  },
  'controls rate-limit': {
    options: { app: { type: 'string' }, user: { type: 'string' }, seconds: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const seconds = count(o, 'seconds');
      await env.services.testControls.rateLimit(option(o, 'app'), option(o, 'user'), seconds);
      print(
        !!o.json,
        { appId: o.app, userId: o.user, seconds },
        `User ${o.user} of app ${o.app} gets 429 for ${seconds} s.`,
      );
    },
  },
  'controls uninstall': {
    options: { app: { type: 'string' }, team: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const result = await env.services.testControls.uninstall(option(o, 'app'), option(o, 'team'));
      print(!!o.json, { appId: o.app, teamId: o.team, ...result }, `Uninstalled app ${o.app} from team ${o.team}.`);
    },
  },
  'controls reinstall': {
    options: { app: { type: 'string' }, team: { type: 'string' }, user: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      await env.services.testControls.reinstall(option(o, 'app'), option(o, 'team'), option(o, 'user'));
      print(!!o.json, { appId: o.app, teamId: o.team, installed: true }, `Installed app ${o.app} in team ${o.team}.`);
    },
  },
  'controls advance-clock': {
    options: { app: { type: 'string' }, seconds: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const seconds = count(o, 'seconds');
      await env.services.testControls.advanceClock(option(o, 'app'), seconds);
      print(!!o.json, { appId: o.app, seconds }, `App ${o.app}'s tokens have aged ${seconds} s.`);
    },
  },
};

const COMMANDS: Record<string, Command> = {
  'users create': {
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    async run(env, o) {
      const user = await env.services.accounts.createUser({
        email: option(o, 'email'),
        password: option(o, 'password'),
        name: option(o, 'name'),
      });
      print(
        !!o.json,
        { id: user.id, email: user.email, name: user.name },
        `Created user ${user.email} with id ${user.id}.`,
      );
    },
  },
  'users list': {
    options: {},
    database: 'read',
    async run(env, o) {
      const docs = (await env.services.accounts.listUsers()).map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        createdAt: new Date(u.created_at).toISOString(),
      }));
      print(!!o.json, docs, docs.map((u) => `${u.id}  ${u.email}  ${u.name}`).join('\n') || 'No users.');
    },
  },
  'teams create': {
    options: { name: { type: 'string' }, org: { type: 'string' } },
    async run(env, o) {
      const team = await env.services.accounts.createTeam({
        name: option(o, 'name'),
        organizationId: o.org as string | undefined,
      });
      print(
        !!o.json,
        { id: team.id, name: team.name, organizationId: team.organization_id },
        `Created team ${team.name} with id ${team.id}.`,
      );
    },
  },
  'teams list': {
    options: {},
    database: 'read',
    async run(env, o) {
      const docs = (await env.services.accounts.listTeams()).map((t) => ({
        id: t.id,
        name: t.name,
        organizationId: t.organization_id,
        installsAdminOnly: t.installs_admin_only === 1,
        createdAt: new Date(t.created_at).toISOString(),
      }));
      print(
        !!o.json,
        docs,
        docs.map((t) => `${t.id}  ${t.name}  (organization ${t.organizationId})`).join('\n') || 'No teams.',
      );
    },
  },
  'teams add-member': {
    options: { team: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const role = option(o, 'role');
      if (role !== 'member' && role !== 'admin')
        throw new UsageError(`--role must be 'member' or 'admin', not '${role}'.`);
      await env.services.accounts.addMember(option(o, 'team'), option(o, 'user'), role);
      print(!!o.json, { teamId: o.team, userId: o.user, role }, `User ${o.user} is now ${role} of team ${o.team}.`);
    },
  },
  'apps create': {
    options: {
      name: { type: 'string' },
      team: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      scopes: { type: 'string' },
      expiring: { type: 'boolean' },
      'non-expiring': { type: 'boolean' },
      public: { type: 'boolean' },
      'created-by': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
    },
    async run(env, o) {
      if (!!o.expiring === !!o['non-expiring'])
        throw new UsageError('Choose exactly one of --expiring and --non-expiring: it cannot be changed later.');
      const teamId = option(o, 'team');
      let createdBy = o['created-by'] as string | undefined;
      if (!createdBy) {
        // The developer team's first admin stands in as the app's creator.
        createdBy = await env.services.teams.firstAdmin(teamId);
        if (!createdBy)
          throw new ValidationError(`Team ${teamId} has no admin to own the app; pass --created-by USER_ID.`);
      }
      const { app, clientSecret } = await env.services.apps.create({
        name: option(o, 'name'),
        teamId,
        createdBy,
        redirectUris: (o['redirect-uri'] as string[] | undefined) ?? [],
        scopes: option(o, 'scopes').split(/[\s,]+/),
        expiring: !!o.expiring,
        public: !!o.public,
        ...(o['client-id'] ? { clientId: o['client-id'] as string } : {}),
        ...(o['client-secret'] ? { clientSecret: o['client-secret'] as string } : {}),
      });
      const doc = { ...appDocument(app, env, false), ...(clientSecret ? { clientSecret } : {}) };
      print(
        !!o.json,
        doc,
        `Created app ${app.name}.\n  client id:     ${app.id}\n${clientSecret ? `  client secret: ${clientSecret}\n` : ''}  authorize:     ${authorizationLink(env.config, app.id, app.redirectUris[0]!)}`,
      );
    },
  },
  'apps list': {
    options: { team: { type: 'string' } },
    database: 'read',
    async run(env, o) {
      const apps = await env.services.apps.list(o.team as string | undefined);
      const docs = apps.map((a) => appDocument(a, env, false));
      print(
        !!o.json,
        docs,
        docs
          .map(
            (a) =>
              `${a.clientId}  ${a.name}  (${a.expiring ? 'expiring' : 'non-expiring'}${a.public ? ', public' : ''})`,
          )
          .join('\n') || 'No apps.',
      );
    },
  },
  'apps show': {
    options: {},
    positionals: true,
    database: 'read',
    async run(env, o, positionals) {
      const id = appIdArgument(positionals, 'show');
      const app = await env.services.apps.find(id);
      if (!app) throw new NotFoundError(`There is no app with client id ${id}.`);
      const doc = appDocument(app, env, true);
      print(!!o.json, doc, JSON.stringify(doc, null, 2));
    },
  },
  'apps update': {
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'app-url': { type: 'string' },
      'sdk-redirect-uri': { type: 'string' },
      scopes: { type: 'string' },
      expiring: { type: 'boolean' },
      'non-expiring': { type: 'boolean' },
    },
    positionals: true,
    database: 'existing',
    async run(env, o, positionals) {
      const id = appIdArgument(positionals, 'update');
      if (o.expiring && o['non-expiring']) throw new UsageError('Choose at most one of --expiring and --non-expiring.');
      // An empty value (--app-url=) clears the App URL or the SDK redirect URI.
      const orNull = (value: unknown) => (value === '' ? null : (value as string));
      const changes: AppChanges = {
        ...(o.name !== undefined ? { name: o.name as string } : {}),
        ...(o['redirect-uri'] !== undefined ? { redirectUris: o['redirect-uri'] as string[] } : {}),
        ...(o['app-url'] !== undefined ? { sdkUri: orNull(o['app-url']) } : {}),
        ...(o['sdk-redirect-uri'] !== undefined ? { sdkRedirectUri: orNull(o['sdk-redirect-uri']) } : {}),
        ...(o.scopes !== undefined ? { scopes: (o.scopes as string).split(/[\s,]+/) } : {}),
        // Passed on so that the service refuses it with its reason: the token mode is fixed at creation.
        ...(o.expiring || o['non-expiring'] ? { expiring: !!o.expiring } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new UsageError('Say what to change: --name, --redirect-uri, --app-url, --sdk-redirect-uri or --scopes.');
      const app = await env.services.apps.update(id, changes, null);
      const doc = appDocument(app, env, false);
      print(
        !!o.json,
        doc,
        `Updated app ${app.name} (${app.id}).\n  redirect URIs: ${doc.redirectUris.join(' ')}\n  App URL:       ${doc.appUrl ?? '(none)'}\n  scopes:        ${doc.scopes.join(' ')}`,
      );
    },
  },
  'apps rotate-secret': {
    options: {},
    positionals: true,
    database: 'existing',
    async run(env, o, positionals) {
      const id = appIdArgument(positionals, 'rotate-secret');
      const clientSecret = await env.services.apps.rotateSecret(id, null);
      print(
        !!o.json,
        { clientId: id, clientSecret },
        `New client secret for app ${id}: ${clientSecret}\n${
          env.config.clientSecretOverlapSeconds > 0
            ? `The previous secret keeps working for ${env.config.clientSecretOverlapSeconds} seconds.`
            : 'The previous secret no longer works.'
        }`,
      );
    },
  },
  'resource-servers create': {
    options: {
      identifier: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      org: { type: 'string' },
      'token-format': { type: 'string' },
      ttl: { type: 'string' },
    },
    database: 'existing',
    async run(env, o) {
      const scopes = ((o.scope as string[] | undefined) ?? []).map((entry) => {
        const at = entry.indexOf('=');
        if (at <= 0) throw new UsageError(`--scope is "name=consent text", not '${entry}'.`);
        return { name: entry.slice(0, at), consentText: entry.slice(at + 1) };
      });
      const format = o['token-format'] as string | undefined;
      if (format !== undefined && format !== 'opaque' && format !== 'jwt')
        throw new UsageError("--token-format is 'opaque' or 'jwt'.");
      const ttl = o.ttl === undefined ? undefined : count(o, 'ttl');
      const { server, clientSecret } = await env.services.resourceServers.register(
        {
          identifier: option(o, 'identifier'),
          name: option(o, 'name'),
          scopes,
          ...(o.org !== undefined ? { organizationId: o.org as string } : {}),
          ...(format !== undefined ? { tokenFormat: format } : {}),
          ...(ttl !== undefined ? { accessTokenTtlSeconds: ttl } : {}),
        },
        null,
      );
      print(
        !!o.json,
        { ...server, clientSecret },
        `Registered ${server.name} (${server.id}) for ${server.identifier}.\n  scopes:        ${server.scopes.map((s) => s.name).join(' ')}\n  tokens:        ${server.tokenFormat}, ${server.accessTokenTtlSeconds} s\n  introspection: ${server.clientId} / ${clientSecret} (shown once)`,
      );
    },
  },
  'resource-servers list': {
    options: {},
    database: 'read',
    async run(env, o) {
      const servers = await env.services.resourceServers.list();
      print(
        !!o.json,
        { data: servers },
        servers.length === 0
          ? 'No resource servers registered (the built-in Boards API is always there).'
          : servers
              .map(
                (s) =>
                  `${s.id}  ${s.identifier}  ${s.name}  ${s.tokenFormat}  ${s.scopes.map((c) => c.name).join(' ')}`,
              )
              .join('\n'),
      );
    },
  },
  'keys reseal': {
    options: {},
    database: 'existing',
    async run(env, o) {
      const result = await env.services.apps.resealSecrets();
      const text = `Re-encrypted ${result.resealed} client secrets under the current key.${result.unreadable.length ? ` No key opens the secrets of: ${result.unreadable.join(', ')}.` : ''}`;
      print(!!o.json, result, text);
    },
  },
  'fixtures export': {
    options: { out: { type: 'string' } },
    database: 'read',
    async run(env, o) {
      const fixtures = await exportFixtures(env.services);
      const yaml = typeof o.out === 'string' && isYamlPath(o.out);
      const document = yaml ? stringifyYaml(fixtures) : `${JSON.stringify(fixtures, null, 2)}\n`;
      if (o.out === undefined) process.stdout.write(document);
      else writeFileSync(o.out as string, document, { mode: 0o600 });
    },
  },
  'fixtures load': {
    options: {},
    positionals: true,
    database: 'create',
    async run(env, o, positionals) {
      const [path] = positionals;
      if (path === undefined || positionals.length > 1)
        throw new UsageError('Name one fixtures file: grantboard fixtures load FILE.');
      const loaded = await loadFixtures(env.services, readFixtures(path), path);
      print(
        !!o.json,
        loaded,
        `Loaded ${path}: ${loaded.users.length} users, ${loaded.teams.length} teams, ${loaded.apps.length} apps.`,
      );
    },
  },
  'installs list': {
    options: { team: { type: 'string' } },
    database: 'read',
    async run(env, o) {
      const rows = await env.services.installs.list(o.team as string | undefined);
      const docs = rows.map((r) => ({
        appId: r.appId,
        appName: r.appName,
        teamId: r.teamId,
        installedBy: r.installedBy,
        installedByName: r.installedByName,
        scopes: r.scopes,
        authorizedUsers: r.authorizedUsers,
        createdAt: new Date(r.createdAt).toISOString(),
      }));
      print(
        !!o.json,
        docs,
        docs
          .map((d) => `${d.appId}  ${d.appName}  team ${d.teamId}  by ${d.installedByName}  users ${d.authorizedUsers}`)
          .join('\n') || 'No installations.',
      );
    },
  },
  'installs remove': {
    options: { app: { type: 'string' }, team: { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const result = await env.services.installs.uninstall(option(o, 'app'), option(o, 'team'), null);
      print(
        !!o.json,
        { appId: o.app, teamId: o.team, ...result },
        `Uninstalled app ${o.app} from team ${o.team}; revoked ${result.revokedFamilies} token families.`,
      );
    },
  },
  'tokens issue': {
    options: grantOptions,
    database: 'existing',
    async run(env, o) {
      const tokens = await env.services.testControls.issueTokens(grantRequest(o));
      print(
        !!o.json,
        tokens,
        `access token:  ${tokens.access_token}${tokens.refresh_token ? `\nrefresh token: ${tokens.refresh_token}` : ''}${tokens.expires_in !== undefined ? `\nexpires in:    ${tokens.expires_in} s` : ''}\nscopes:        ${tokens.scope}`,
      );
    },
  },
  'codes issue': {
    options: { ...grantOptions, 'redirect-uri': { type: 'string' }, 'code-challenge': { type: 'string' } },
    database: 'existing',
    async run(env, o) {
      const { code, redirectUri } = await env.services.testControls.issueCode({
        ...grantRequest(o),
        redirectUri: o['redirect-uri'] as string | undefined,
        codeChallenge: o['code-challenge'] as string | undefined,
      });
      const callback = new URL(redirectUri);
      callback.searchParams.set('code', code);
      callback.searchParams.set('client_id', o.app as string);
      callback.searchParams.set('team_id', o.team as string);
      print(!!o.json, { code, redirectUri, callbackUrl: callback.href }, `code: ${code}\ncallback: ${callback.href}`);
    },
  },
  ...controlCommands,
};

function appIdArgument(positionals: string[], command: string): string {
  const id = positionals[0];
  if (!id) throw new UsageError(`Name the app: grantboard apps ${command} CLIENT_ID.`);
  if (positionals.length > 1) throw new UsageError(`One app at a time: grantboard apps ${command} CLIENT_ID.`);
  return id;
}

async function withEnvironment<T>(
  run: (env: Env) => Promise<T>,
  mode: 'create' | 'existing' | 'read' = 'create',
): Promise<T> {
  const config = loadConfig();
  // No cache of its own: its revocations still reach the servers' caches (storage/token-cache.ts).
  const database = openDatabase(config.databaseUrl, {
    poolMax: 2,
    mustExist: mode !== 'create',
    tokenCacheSize: 0,
  });
  try {
    if (mode !== 'read') await migrateToLatest(database.db);
    else {
      const pending = await pendingMigrations(database.db);
      if (pending.length > 0)
        throw new OutdatedDatabaseError(
          `The database is not up to date (pending migrations: ${pending.join(', ')}): run \`grantboard migrate\` first.`,
        );
    }
    const repos = createRepositories(database.db, database.tokenCache, database.dialect);
    return await run({ config, database, repos, services: createServices({ config, repos, clock: systemClock }) });
  } finally {
    await database.close();
  }
}

async function demo(): Promise<void> {
  await withEnvironment(async (env) => {
    const data = await seedDemo(env.repos, env.services, env.config.publicUrl);
    const lines = [
      data.created ? 'Demo data created.' : 'Demo data already present.',
      '',
      'Sign in as:',
      ...data.users.map((u) => `  ${u.email} / ${u.password}  (${u.name})`),
      '',
      ...data.apps.flatMap((a) => [
        `${a.name} (${a.expiring ? 'expiring tokens' : 'non-expiring tokens'})`,
        `  client id:     ${a.clientId}`,
        `  client secret: ${a.clientSecret ?? '(public app)'}`,
        `  authorize:     ${authorizationLink(env.config, a.clientId, a.redirectUri)}`,
        '',
      ]),
      'Boards (open one and run Sticky List from its Apps panel, with `npm run example:sticky-list` running):',
      ...data.boards.map((b) => `  ${b.name}: ${b.url}`),
      '',
      `Open an authorize link once the server is up on ${env.config.publicUrl}.`,
      `Your apps (developer console): ${env.config.publicUrl}/apps · Authorized apps: ${env.config.publicUrl}/profile/apps`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

function parseServeArgs(args: string[]) {
  try {
    return parseArgs({ args, options: { fixtures: { type: 'string' } }, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs a CLI command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  try {
    if (!first || first === 'help' || first === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return first ? 0 : 2;
    }
    if (first === 'serve') {
      const { values } = parseServeArgs(argv.slice(1));
      const config = loadConfig();
      await serve(values.fixtures ? { ...config, fixturesPath: values.fixtures } : config);
      return 0;
    }
    if (first === 'migrate') {
      const applied = await withEnvironment((env) => migrateToLatest(env.database.db));
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
      return 0;
    }
    if (first === 'demo') {
      await demo();
      return 0;
    }
    const command = COMMANDS[`${first} ${second ?? ''}`];
    if (!command) throw new UsageError(`Unknown command '${[first, second].filter(Boolean).join(' ')}'.`);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: argv.slice(2),
        options: { ...command.options, json: { type: 'boolean' } },
        allowPositionals: !!command.positionals,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    await withEnvironment((env) => command.run(env, parsed.values as Options, parsed.positionals), command.database);
    return 0;
  } catch (error) {
    const failure = describeFailure(error);
    if (argv.includes('--json')) {
      const field = error instanceof ValidationError && error.field ? { field: error.field } : {};
      process.stderr.write(
        `${JSON.stringify({ error: { code: failure.code, message: failure.message, ...field } })}\n`,
      );
    } else {
      process.stderr.write(`grantboard: ${failure.message}\n${failure.code === 'usage' ? `\n${USAGE}\n` : ''}`);
    }
    return failure.code === 'usage' ? 2 : 1;
  }
}

/** A stable code for scripts (with --json) and a sentence for people. */
function describeFailure(error: unknown): { code: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) return { code: 'usage', message };
  if (error instanceof ValidationError) return { code: 'invalid', message };
  if (error instanceof NotFoundError) return { code: 'not_found', message };
  if (error instanceof ForbiddenError) return { code: 'forbidden', message };
  if (error instanceof ConfigError) return { code: 'config', message };
  if (error instanceof FixturesError) return { code: 'fixtures', message };
  if (error instanceof DatabaseNotFoundError)
    return {
      code: 'no_database',
      message: `${message} Run \`grantboard migrate\` (or \`npm start\`) to create it, or set DATABASE_URL to the server's database.`,
    };
  if (error instanceof OutdatedDatabaseError) return { code: 'database_outdated', message };
  return { code: 'failed', message };
}
