import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseFixtures } from '../src/fixtures/load.js';
import { cliJson, runCli } from './helpers/cli.js';
import { startServerProcess } from './helpers/server-process.js';

const CLIENT_ID = '3458764500000000042';
const CLIENT_SECRET = `gbs_${'C'.repeat(43)}`;

const FIXTURES = {
  users: [
    { email: 'dev@example.com', password: 'long enough', name: 'Dev' },
    { email: 'pat@example.com', password: 'long enough', name: 'Pat' },
  ],
  teams: [
    {
      name: 'Design',
      members: [
        { email: 'dev@example.com', role: 'admin' },
        { email: 'pat@example.com', role: 'member' },
      ],
    },
  ],
  apps: [
    {
      name: 'Reporter',
      team: 'Design',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      expiring: true,
      redirectUris: ['http://127.0.0.1:9/cb'],
      scopes: ['boards:read'],
      installations: [{ team: 'Design', by: 'dev@example.com' }],
    },
  ],
};

/** A token request with the fixed credentials: invalid_grant (not invalid_client) proves the app and its secret. */
async function clientKnown(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: 'http://127.0.0.1:9/cb',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
  return ((await response.json()) as { error: string }).error;
}

describe('fixtures (GRANTBOARD_FIXTURES)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantboard-fixtures-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };

  it('loads into an in-memory database: ready at once, with the fixed client id and secret', async () => {
    const server = await startServerProcess({
      DATABASE_URL: 'sqlite::memory:',
      GRANTBOARD_FIXTURES: file('memory.json', FIXTURES),
    });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await clientKnown(server.url)).toBe('invalid_grant');
    } finally {
      await server.stop();
    }
  });

  it('is idempotent across restarts on the same database', async () => {
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'restart.db')}`,
      GRANTBOARD_FIXTURES: file('restart.json', FIXTURES),
    };
    for (let start = 0; start < 2; start++) {
      const server = await startServerProcess(env);
      try {
        expect(await clientKnown(server.url)).toBe('invalid_grant');
      } finally {
        await server.stop();
      }
    }
    expect(cliJson<unknown[]>(['users', 'list'], env)).toHaveLength(2);
    expect(cliJson<unknown[]>(['teams', 'list'], env)).toHaveLength(1);
    const apps = cliJson<{ clientId: string }[]>(['apps', 'list'], env);
    expect(apps.map((a) => a.clientId)).toEqual([CLIENT_ID]);
    expect(cliJson<{ authorizedUsers: number }[]>(['installs', 'list'], env)).toHaveLength(1);
    expect(cliJson<{ clientSecret: string }>(['apps', 'show', CLIENT_ID], env).clientSecret).toBe(CLIENT_SECRET);
  });

  it('exports the state; loaded into a fresh database and exported again, it is the same document', () => {
    const rich = {
      ...FIXTURES,
      organizations: [{ name: 'Acme' }],
      teams: [{ ...FIXTURES.teams[0], organization: 'Acme' }, { name: 'Ops' }],
      apps: [
        { ...FIXTURES.apps[0], installations: [{ team: 'Design', by: 'dev@example.com', scopes: ['boards:read'] }] },
      ],
      boards: [
        {
          name: 'Roadmap',
          team: 'Design',
          owner: 'pat@example.com',
          description: 'Next quarter',
          items: [
            { type: 'sticky_note', data: { content: 'Ship it' }, position: { x: 10, y: 20 } },
            { type: 'text', data: { content: 'Title' } },
          ],
        },
      ],
    };
    const first = { DATABASE_URL: `sqlite:${join(dir, 'export-1.db')}` };
    expect(cliJson(['fixtures', 'load', file('rich.json', rich)], first)).toMatchObject({
      apps: [{ clientId: CLIENT_ID }],
    });
    const exported = runCli(['fixtures', 'export'], first);
    expect(exported.code).toBe(0);
    const document = JSON.parse(exported.stdout);
    expect(document.organizations.map((o: { name: string }) => o.name)).toEqual(['Acme', 'Ops']);
    expect(document.teams[0]).toMatchObject({ name: 'Design', organization: 'Acme' });
    expect(document.users[0]).toMatchObject({
      email: 'dev@example.com',
      passwordHash: expect.stringMatching(/^scrypt\$/),
    });
    expect(document.users[0].password).toBeUndefined();
    expect(document.apps[0]).toMatchObject({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      installations: [{ team: 'Design', by: 'dev@example.com', scopes: ['boards:read'] }],
    });
    expect(document.boards[0]).toMatchObject({
      name: 'Roadmap',
      owner: 'pat@example.com',
      description: 'Next quarter',
    });
    expect(document.boards[0].items).toHaveLength(2);

    // Another database under another server key: the secrets are decrypted on export, sealed again on load.
    const second = {
      DATABASE_URL: `sqlite:${join(dir, 'export-2.db')}`,
      GRANTBOARD_SECRET_KEY: 'e'.repeat(64),
    };
    cliJson(['fixtures', 'load', file('exported.json', exported.stdout)], second);
    const out = join(dir, 'exported-again.json');
    expect(runCli(['fixtures', 'export', '--out', out], second).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(document);
    // Idempotent: loading the export into the database it came from changes nothing.
    cliJson(['fixtures', 'load', file('exported.json', exported.stdout)], first);
    expect(JSON.parse(runCli(['fixtures', 'export'], first).stdout)).toEqual(document);
  });

  it('refuses a bad file at start with a message naming the place', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"users": [', /not valid JSON/],
      [{ ...FIXTURES, apps: [{ ...FIXTURES.apps[0], expiring: 'yes' }] }, /at \/apps\/0\/expiring: Expected boolean/],
      [{ ...FIXTURES, apps: [{ ...FIXTURES.apps[0], team: 'Nope' }] }, /at \/apps\/0\/team: no team named Nope/],
      [{ ...FIXTURES, colour: 'red' }, /at \/colour: Unexpected property/],
      [{ ...FIXTURES, apps: [{ ...FIXTURES.apps[0], scopes: ['boards:fly'] }] }, /at \/apps\/0\/scopes: .*boards:fly/],
    ];
    for (const [index, [content, message]] of cases.entries()) {
      const path = file(`bad-${index}.json`, content);
      const started = startServerProcess({ DATABASE_URL: 'sqlite::memory:', GRANTBOARD_FIXTURES: path });
      await expect(started).rejects.toThrow(message);
      await expect(started).rejects.toThrow(path);
    }
  });
});

describe('fixtures files in JSON and YAML: errors name the line', () => {
  const json = JSON.stringify(FIXTURES, null, 2);
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('names the line and the pointer of a bad value in JSON', () => {
    const bad = json.replace('"expiring": true', '"expiring": "yes"');
    expect(() => parseFixtures(bad, 'f.json')).toThrow(
      `f.json:${lineOf(bad, '"expiring"')} at /apps/0/expiring: Expected boolean.`,
    );
    const extra = json.replace('"name": "Pat"', '"name": "Pat", "colour": "red"');
    expect(() => parseFixtures(extra, 'f.json')).toThrow(`f.json:${lineOf(extra, 'colour')} at /users/1/colour:`);
    expect(() => parseFixtures('{\n  "users": [\n  }', 'f.json')).toThrow(/^f\.json:3: not valid JSON/);
  });

  it('reads YAML, and names the line of a bad value or a syntax error', () => {
    const yaml = stringify(FIXTURES);
    expect(parseFixtures(yaml, 'f.yaml', 'yaml')).toEqual(FIXTURES);
    const bad = yaml.replace('expiring: true', 'expiring: yes please');
    expect(() => parseFixtures(bad, 'f.yaml', 'yaml')).toThrow(
      `f.yaml:${lineOf(bad, 'expiring:')} at /apps/0/expiring: Expected boolean.`,
    );
    expect(() => parseFixtures('users:\n  - email: a\n   name: b\n', 'f.yaml', 'yaml')).toThrow(
      /^f\.yaml:3: not valid YAML/,
    );
    // Duplicate keys are a mistake, not a choice between two values.
    expect(() => parseFixtures('users: []\nusers: []\n', 'f.yaml', 'yaml')).toThrow(/^f\.yaml:2: not valid YAML/);
  });

  it('names the line of a record the file refers to but never defines, when loading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantboard-yaml-'));
    try {
      const path = join(dir, 'fixtures.yaml');
      const yaml = stringify({ ...FIXTURES, apps: [{ ...FIXTURES.apps[0], team: 'Nope' }] });
      writeFileSync(path, yaml);
      const result = runCli(['fixtures', 'load', path, '--json'], { DATABASE_URL: 'sqlite::memory:' });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stderr).error.message).toBe(
        `${path}:${lineOf(yaml, 'team: Nope')} at /apps/0/team: no team named Nope in /teams.`,
      );
      writeFileSync(path, stringify(FIXTURES));
      expect(cliJson(['fixtures', 'load', path], { DATABASE_URL: 'sqlite::memory:' })).toMatchObject({
        apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
