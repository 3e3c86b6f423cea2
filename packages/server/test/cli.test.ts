import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
