import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';

const BIN = fileURLToPath(new URL('../bin/grantboard.js', import.meta.url));

// Each test runs the CLI as a fresh process a dozen or more times in a row.
describe('grantboard CLI', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantboard-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
        GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY,
        ...env,
      },
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  const json = (args: string[]) => {
    const result = run([...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('creates users, teams, memberships and apps, and lists and removes installations', () => {
    const user = json(['users', 'create', '--email', 'Dev@Example.com', '--password', 'long enough', '--name', 'Dev']);
    expect(user).toEqual({ id: expect.stringMatching(/^\d{19}$/), email: 'dev@example.com', name: 'Dev' });
    const team = json(['teams', 'create', '--name', 'Platform']);
    expect(team).toMatchObject({ id: expect.stringMatching(/^\d{19}$/), name: 'Platform' });
    expect(json(['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin'])).toEqual({
      teamId: team.id,
      userId: user.id,
      role: 'admin',
    });

    const app = json([
      'apps',
      'create',
      '--name',
      'Reporter',
      '--team',
      team.id,
      '--redirect-uri',
      'https://r.example/cb',
      '--redirect-uri',
      'http://localhost:8080/cb',
      '--scopes',
      'boards:read boards:write',
      '--expiring',
    ]);
    expect(app).toMatchObject({
      clientId: expect.stringMatching(/^\d{19}$/),
      clientSecret: expect.stringMatching(/^gbs_/),
      expiring: true,
      public: false,
      redirectUris: ['https://r.example/cb', 'http://localhost:8080/cb'],
      scopes: ['boards:read', 'boards:write'],
    });
    const spa = json([
      'apps',
      'create',
      '--name',
      'SPA',
      '--team',
      team.id,
      '--redirect-uri',
      'https://s.example/',
      '--scopes',
      'boards:read',
      '--non-expiring',
      '--public',
    ]);
    expect(spa.clientSecret).toBeUndefined();
    expect(spa.public).toBe(true);

    const imported = json([
      'apps',
      'create',
      '--name',
      'From Miro',
      '--team',
      team.id,
      '--redirect-uri',
      'https://m.example/cb',
      '--scopes',
      'boards:read',
      '--expiring',
      '--client-id',
      '3458764611114746267',
      '--client-secret',
      'kept-secret-from-miro-0123456789',
    ]);
    expect(imported).toMatchObject({
      clientId: '3458764611114746267',
      clientSecret: 'kept-secret-from-miro-0123456789',
    });
    const duplicate = run([
      'apps',
      'create',
      '--name',
      'Again',
      '--team',
      team.id,
      '--redirect-uri',
      'https://m.example/cb',
      '--scopes',
      'boards:read',
      '--expiring',
      '--client-id',
      '3458764611114746267',
    ]);
    expect(duplicate).toMatchObject({
      code: 1,
      stderr: 'grantboard: An app with client id 3458764611114746267 already exists.\n',
    });

    expect(json(['apps', 'list']).map((a: { clientId: string }) => a.clientId)).toEqual([
      app.clientId,
      spa.clientId,
      imported.clientId,
    ]);
    expect(json(['apps', 'show', app.clientId]).clientSecret).toBe(app.clientSecret);
    expect(json(['installs', 'list'])).toEqual([]);

    const missing = run(['installs', 'remove', '--app', app.clientId, '--team', team.id]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`grantboard: App ${app.clientId} is not installed in team ${team.id}.\n`);
  });

  it('explains mistakes in plain sentences with non-zero exit codes', () => {
    const usage = run(['teams', 'create']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^grantboard: Missing --name\./);
    expect(run(['frobnicate']).stderr).toMatch(/^grantboard: Unknown command 'frobnicate'\./);
    const both = run([
      'apps',
      'create',
      '--name',
      'X',
      '--team',
      '1',
      '--redirect-uri',
      'https://x/',
      '--scopes',
      'boards:read',
      '--expiring',
      '--non-expiring',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Choose exactly one of --expiring and --non-expiring');
    const user = json(['users', 'create', '--email', 'twice@example.com', '--password', 'long enough', '--name', 'T']);
    expect(user.email).toBe('twice@example.com');
    const again = run(['users', 'create', '--email', 'twice@example.com', '--password', 'long enough', '--name', 'T']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('grantboard: A user with email twice@example.com already exists.\n');
    const team = json(['teams', 'create', '--name', 'T']);
    json(['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin']);
    const scope = run([
      'apps',
      'create',
      '--name',
      'X',
      '--team',
      team.id,
      '--redirect-uri',
      'https://x.example/',
      '--scopes',
      'boards:read boards:delete',
      '--expiring',
    ]);
    expect(scope).toMatchObject({ code: 1, stderr: 'grantboard: Unknown scope: boards:delete.\n' });
    const http = run([
      'apps',
      'create',
      '--name',
      'X',
      '--team',
      team.id,
      '--redirect-uri',
      'http://x.example/',
      '--scopes',
      'boards:read',
      '--expiring',
    ]);
    expect(http.stderr).toBe(
      "grantboard: Redirect URI 'http://x.example/' must use https (http is allowed for loopback and localhost only).\n",
    );
    const unknownFlag = run(['users', 'create', '--emial', 'x']);
    expect(unknownFlag.code).toBe(2);
  });

  it('rotates the server key: old keys still decrypt until the secrets are re-encrypted', () => {
    const keyB = 'c'.repeat(64);
    const team = json(['teams', 'create', '--name', 'Keys']);
    const user = json(['users', 'create', '--email', 'keys@example.com', '--password', 'long enough', '--name', 'K']);
    json(['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin']);
    const app = json([
      'apps',
      'create',
      '--name',
      'K',
      '--team',
      team.id,
      '--redirect-uri',
      'https://k.example/',
      '--scopes',
      'boards:read',
      '--expiring',
    ]);
    const withKey = (key: string, previous = '') => ({
      GRANTBOARD_SECRET_KEY: key,
      GRANTBOARD_PREVIOUS_SECRET_KEYS: previous,
    });
    const show = (env: Record<string, string>) =>
      JSON.parse(run(['apps', 'show', app.clientId, '--json'], env).stdout).clientSecret;
    expect(show(withKey(keyB))).toBeUndefined();
    expect(show(withKey(keyB, TEST_SECRET_KEY))).toBe(app.clientSecret);
    const reseal = run(['keys', 'reseal', '--json'], withKey(keyB, TEST_SECRET_KEY));
    expect(JSON.parse(reseal.stdout)).toMatchObject({ resealed: expect.any(Number), unreadable: [] });
    expect(show(withKey(keyB))).toBe(app.clientSecret);
    expect(show(withKey(TEST_SECRET_KEY))).toBeUndefined();
    // Put the test key back for the other tests.
    run(['keys', 'reseal'], withKey(TEST_SECRET_KEY, keyB));
  });

  it('refuses to start in production without a server key', () => {
    const result = run(['migrate'], { NODE_ENV: 'production', GRANTBOARD_SECRET_KEY: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PUBLIC_URL is not https');
    expect(result.stderr).toContain('grantboard: GRANTBOARD_SECRET_KEY is required when NODE_ENV=production.\n');
    const badPort = run(['migrate'], { PORT: 'eighty' });
    expect(badPort.stderr).toBe("grantboard: PORT must be a whole number of at least 0, not 'eighty'.\n");
  });

  it('seeds the demo once, and reports the same data when run again', () => {
    const first = run(['demo']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Demo data created.');
    expect(first.stdout).toContain('alice@example.com / grantboard-demo');
    expect(first.stdout).toMatch(
      /authorize: +http:\/\/localhost:3000\/oauth\/authorize\?response_type=code&client_id=\d+/,
    );
    const second = run(['demo']);
    expect(second.stdout).toContain('Demo data already present.');
    const ids = (s: string) => [...s.matchAll(/client id: +(\d+)/g)].map((m) => m[1]);
    expect(ids(second.stdout)).toEqual(ids(first.stdout));
  });

  it('lists users and teams, without password hashes', () => {
    const user = json(['users', 'create', '--email', 'lister@example.com', '--password', 'long enough', '--name', 'L']);
    const team = json(['teams', 'create', '--name', 'Listed']);
    const users = run(['users', 'list', '--json']);
    expect(users.code).toBe(0);
    expect(JSON.parse(users.stdout)).toContainEqual({
      id: user.id,
      email: 'lister@example.com',
      name: 'L',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(users.stdout).not.toMatch(/password|scrypt/i);
    expect(json(['teams', 'list'])).toContainEqual({
      id: team.id,
      name: 'Listed',
      organizationId: team.organizationId,
      installsAdminOnly: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(run(['teams', 'list']).stdout).toContain(`${team.id}  Listed  (organization ${team.organizationId})`);
  });

  it('updates an app’s redirect URIs and App URL, and rotates its secret', () => {
    const user = json([
      'users',
      'create',
      '--email',
      'updater@example.com',
      '--password',
      'long enough',
      '--name',
      'U',
    ]);
    const team = json(['teams', 'create', '--name', 'Updates']);
    json(['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin']);
    const app = json([
      'apps',
      'create',
      '--name',
      'Board app',
      '--team',
      team.id,
      '--redirect-uri',
      'http://localhost:4100/callback',
      '--scopes',
      'boards:read',
      '--expiring',
    ]);
    const updated = json([
      'apps',
      'update',
      app.clientId,
      '--redirect-uri',
      'http://localhost:4200/callback',
      '--redirect-uri',
      'https://board-app.example/callback',
      '--app-url',
      'http://localhost:4200/',
      '--sdk-redirect-uri',
      'http://localhost:4200/callback',
    ]);
    expect(updated).toMatchObject({
      clientId: app.clientId,
      name: 'Board app',
      redirectUris: ['http://localhost:4200/callback', 'https://board-app.example/callback'],
      appUrl: 'http://localhost:4200/',
      sdkRedirectUri: 'http://localhost:4200/callback',
      scopes: ['boards:read'],
    });
    expect(json(['apps', 'show', app.clientId])).toMatchObject({
      redirectUris: updated.redirectUris,
      appUrl: 'http://localhost:4200/',
      clientSecret: app.clientSecret,
    });
    expect(json(['apps', 'update', app.clientId, '--app-url='])).toMatchObject({ appUrl: null });

    expect(run(['apps', 'update', app.clientId, '--non-expiring'])).toMatchObject({
      code: 1,
      stderr: 'grantboard: Expiring or non-expiring tokens are chosen when the app is created and cannot be changed.\n',
    });
    expect(run(['apps', 'update', app.clientId, '--redirect-uri', 'http://board-app.example/cb']).stderr).toBe(
      "grantboard: Redirect URI 'http://board-app.example/cb' must use https (http is allowed for loopback and localhost only).\n",
    );
    const nothing = run(['apps', 'update', app.clientId]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^grantboard: Say what to change: --name, --redirect-uri/);

    const rotated = json(['apps', 'rotate-secret', app.clientId]);
    expect(rotated).toEqual({ clientId: app.clientId, clientSecret: expect.stringMatching(/^gbs_/) });
    expect(rotated.clientSecret).not.toBe(app.clientSecret);
    expect(json(['apps', 'show', app.clientId]).clientSecret).toBe(rotated.clientSecret);
    const spa = json([
      'apps',
      'create',
      '--name',
      'No secret',
      '--team',
      team.id,
      '--redirect-uri',
      'http://localhost:5173/',
      '--scopes',
      'boards:read',
      '--non-expiring',
      '--public',
    ]);
    expect(run(['apps', 'rotate-secret', spa.clientId])).toMatchObject({
      code: 1,
      stderr: 'grantboard: Public apps have no client secret.\n',
    });
  });

  it('prints failures as one JSON document on stderr under --json', () => {
    const usage = run(['apps', 'update', '--json']);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(usage.stderr)).toEqual({
      error: { code: 'usage', message: 'Name the app: grantboard apps update CLIENT_ID.' },
    });
    const unknownFlag = run(['teams', 'create', '--nmae', 'X', '--json']);
    expect(unknownFlag.code).toBe(2);
    expect(JSON.parse(unknownFlag.stderr).error.code).toBe('usage');
    const missing = run(['apps', 'show', '1234', '--json']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { code: 'not_found', message: 'There is no app with client id 1234.' },
    });
    const invalid = run(['users', 'create', '--email', 'nope', '--password', 'long enough', '--name', 'N', '--json']);
    expect(JSON.parse(invalid.stderr)).toEqual({
      error: { code: 'invalid', message: "'nope' is not an email address.", field: 'email' },
    });
    const config = run(['apps', 'list', '--json'], { PORT: 'eighty' });
    expect(JSON.parse(config.stderr)).toEqual({
      error: { code: 'config', message: "PORT must be a whole number of at least 0, not 'eighty'." },
    });
  });

  it('never creates a database for a command that reads or changes existing records', () => {
    const absent = join(dir, 'absent', 'gb.db');
    const env = { DATABASE_URL: `sqlite:${absent}` };
    for (const args of [
      ['apps', 'list'],
      ['apps', 'show', '1'],
      ['users', 'list'],
      ['teams', 'list'],
      ['installs', 'list'],
      ['apps', 'update', '1', '--name', 'X'],
      ['apps', 'rotate-secret', '1'],
      ['teams', 'add-member', '--team', '1', '--user', '2', '--role', 'member'],
      ['installs', 'remove', '--app', '1', '--team', '2'],
      ['keys', 'reseal'],
    ]) {
      expect(run(args, env)).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `grantboard: There is no database at ${absent}. Run \`grantboard migrate\` (or \`npm start\`) to create it, or set DATABASE_URL to the server's database.\n`,
      });
    }
    expect(JSON.parse(run(['apps', 'list', '--json'], env).stderr).error.code).toBe('no_database');
    expect(existsSync(join(dir, 'absent'))).toBe(false);

    // A database this release has not migrated yet is reported, not migrated by a reading command…
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const outdated = run(['apps', 'list'], { DATABASE_URL: `sqlite:${empty}` });
    expect(outdated.code).toBe(1);
    expect(outdated.stderr).toMatch(
      /^grantboard: The database is not up to date \(pending migrations: 2026-11-29-001-core, .*\): run `grantboard migrate` first\.\n$/,
    );
    // …and left unmigrated: asking again gets the same answer.
    expect(run(['apps', 'list'], { DATABASE_URL: `sqlite:${empty}` }).stderr).toBe(outdated.stderr);
  });

  it('prints the authorization link on the origin serve would use', () => {
    const team = json(['teams', 'create', '--name', 'Links']);
    const user = json(['users', 'create', '--email', 'links@example.com', '--password', 'long enough', '--name', 'Li']);
    json(['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin']);
    const create = (env: Record<string, string>) =>
      run(
        [
          'apps',
          'create',
          '--name',
          'Linked',
          '--team',
          team.id,
          '--redirect-uri',
          'http://127.0.0.1:9000/cb',
          '--scopes',
          'boards:read',
          '--expiring',
        ],
        env,
      ).stdout;
    expect(create({ PORT: '4567' })).toMatch(
      /authorize: +http:\/\/localhost:4567\/oauth\/authorize\?response_type=code&/,
    );
    expect(create({ PORT: '4567', PUBLIC_URL: 'https://auth.example.test/' })).toMatch(
      /authorize: +https:\/\/auth\.example\.test\/oauth\/authorize\?response_type=code&/,
    );
  });

  it.skipIf(!(process.env.TEST_DIALECTS ?? '').includes('postgres'))('runs against PostgreSQL', async () => {
    const db = await createTestDatabase('postgres');
    try {
      expect(run(['migrate'], { DATABASE_URL: db.url })).toMatchObject({
        code: 0,
        stdout: 'The database is up to date.\n',
      });
      expect(run(['teams', 'create', '--name', 'PG', '--json'], { DATABASE_URL: db.url }).code).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
