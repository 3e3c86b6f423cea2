import { parseArgs } from 'node:util';
import { PATHS } from '@grantboard/protocol';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { seedDemo } from './demo.js';
import { NotFoundError, ValidationError } from './domain/errors.js';
import { createServices, type Services } from './domain/services.js';
import { systemClock } from './lib/clock.js';
import { serve } from './main.js';
import { type Database, openDatabase } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';
import type { App } from './storage/repositories/apps.js';
import { createRepositories, type Repositories } from './storage/repositories/index.js';

const USAGE = `Usage: grantboard <command> [options]

  serve                                  migrate, then serve HTTP (configured by environment)
  migrate                                apply pending database migrations
  demo                                   seed demo data once and print how to try it
  users create --email E --password P --name N
  teams create --name N [--org ORG_ID]
  teams add-member --team T --user U --role member|admin
  apps create --name N --team T --redirect-uri U [--redirect-uri U2 …] --scopes "boards:read boards:write"
              (--expiring | --non-expiring) [--public] [--created-by USER_ID]
              [--client-id ID --client-secret SECRET]   keep an existing app's credentials
  apps list [--team T]
  apps show CLIENT_ID
  keys reseal                            re-encrypt client secrets under GRANTBOARD_SECRET_KEY
                                         (old keys in GRANTBOARD_PREVIOUS_SECRET_KEYS)
  installs list [--team T]
  installs remove --app CLIENT_ID --team T

Commands that create or list something take --json and then print one JSON document.
Configuration: PORT, HOST, PUBLIC_URL, DATABASE_URL, REDIS_URL, GRANTBOARD_SECRET_KEY, … (see README).`;

/** A mistake in how the command was called: printed with the usage, exit code 2. */
class UsageError extends Error {}

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

const COMMANDS: Record<
  string,
  {
    options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
    positionals?: boolean;
    run(env: Env, options: Options, positionals: string[]): Promise<void>;
  }
> = {
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
  'teams add-member': {
    options: { team: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' } },
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
        createdBy = (await env.repos.teams.members(teamId)).find((m) => m.role === 'admin')?.id;
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
    async run(env, o) {
      const apps = await env.repos.apps.list(o.team as string | undefined);
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
    async run(env, o, positionals) {
      const id = positionals[0];
      if (!id) throw new UsageError('Name the app: grantboard apps show CLIENT_ID.');
      const app = await env.repos.apps.findById(id);
      if (!app) throw new NotFoundError(`There is no app with client id ${id}.`);
      const doc = appDocument(app, env, true);
      print(!!o.json, doc, JSON.stringify(doc, null, 2));
    },
  },
  'keys reseal': {
    options: {},
    async run(env, o) {
      const result = await env.services.apps.resealSecrets();
      const text = `Re-encrypted ${result.resealed} client secrets under the current key.${result.unreadable.length ? ` No key opens the secrets of: ${result.unreadable.join(', ')}.` : ''}`;
      print(!!o.json, result, text);
    },
  },
  'installs list': {
    options: { team: { type: 'string' } },
    async run(env, o) {
      const rows = await env.repos.installations.list(o.team as string | undefined);
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
    async run(env, o) {
      const result = await env.services.installs.uninstall(option(o, 'app'), option(o, 'team'), null);
      print(
        !!o.json,
        { appId: o.app, teamId: o.team, ...result },
        `Uninstalled app ${o.app} from team ${o.team}; revoked ${result.revokedFamilies} token families.`,
      );
    },
  },
};

async function withEnvironment<T>(run: (env: Env) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl, { poolMax: 2 });
  try {
    await migrateToLatest(database.db);
    const repos = createRepositories(database.db);
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

/** Runs a CLI command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  try {
    if (!first || first === 'help' || first === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return first ? 0 : 2;
    }
    if (first === 'serve') {
      await serve(loadConfig());
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
    await withEnvironment((env) => command.run(env, parsed.values as Options, parsed.positionals));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`grantboard: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConfigError) {
      process.stderr.write(`grantboard: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`grantboard: ${(error as Error).message}\n`);
    return 1;
  }
}
