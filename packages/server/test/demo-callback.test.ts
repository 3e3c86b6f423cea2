import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../src/lib/shell-quote.js';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, browser, signIn } from './helpers/web.js';

/** `/demo/callback` (docs/security.md, "Sign-in and web input"): where it is served, and what its `curl` can do. */

const HOSTILE = `x'; touch pwned-1; echo '$(touch pwned-2)\`touch pwned-3\`\n touch pwned-4 #"$HOME\\`;

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** The page's exchange command, as a user would copy it from the page. */
function commandOn(page: string): string {
  const match = /<pre id="exchange">([\s\S]*?)<\/pre>/.exec(page);
  if (!match?.[1]) throw new Error('no exchange command on the page');
  return unescapeHtml(match[1]);
}

/**
 * Pastes the command into bash in an empty folder, with `curl` replaced by a function that prints
 * its arguments: what curl would have been given, and whether anything else ran.
 */
function paste(command: string): { args: string[]; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'grantboard-paste-'));
  try {
    const result = spawnSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', CLIENT_SECRET: 'from-the-environment' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    return { args: result.stdout.split('\0').slice(0, -1), files: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shellQuote', () => {
  it('gives one word that bash reads back as exactly the value', () => {
    for (const value of [HOSTILE, '', "'", "''", '\n', '$(id)', 'a b\tc']) {
      const result = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(result.stdout).toBe(value);
    }
  });
});

describe.each(DIALECTS)('/demo/callback on %s', (dialect) => {
  let t: TestApp;
  let demo: { id: string; secret: string };
  let bob: Browser;
  let alice: Browser;
  const callback = () => `${t.config.publicUrl}/demo/callback`;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    // A demo app of the Other team: Bob is its admin, Alice not a member.
    const created = await t.services.apps.create({
      teamId: t.seed.otherTeamId,
      createdBy: t.seed.bob.id,
      name: 'Sticky Sync',
      redirectUris: [callback()],
      scopes: ['boards:read'],
      expiring: true,
    });
    demo = { id: created.app.id, secret: created.clientSecret! };
    bob = await signIn(t.app, t.seed.bob.email);
    alice = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(() => t?.close());

  const successUrl = (params: Record<string, string>) =>
    `/demo/callback?${new URLSearchParams({ client_id: demo.id, team_id: t.seed.otherTeamId, iss: t.config.publicUrl, ...params })}`;

  it('is a 404 for an app not registered with it, and with DEMO_CALLBACK=off', async () => {
    const other = successUrl({ client_id: t.seed.expiringApp.id, code: 'gbc_x', state: 's' });
    expect((await browser(t.app).get(other)).statusCode).toBe(404);
    expect((await browser(t.app).get('/demo/callback?code=gbc_x&client_id=not-an-id')).statusCode).toBe(404);
    expect((await browser(t.app).get(successUrl({ code: 'gbc_x' }))).statusCode).toBe(200);

    const off = await startTestApp(dialect, { DEMO_CALLBACK: 'off' });
    try {
      const registered = await off.services.apps.create({
        teamId: off.seed.teamId,
        createdBy: off.seed.alice.id,
        name: 'Demo',
        redirectUris: [`${off.config.publicUrl}/demo/callback`],
        scopes: ['boards:read'],
        expiring: true,
      });
      const page = await browser(off.app).get(`/demo/callback?code=gbc_x&client_id=${registered.app.id}`);
      expect(page.statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('is served for any app with DEMO_CALLBACK=on', async () => {
    const on = await startTestApp(dialect, { DEMO_CALLBACK: 'on' });
    try {
      const page = await browser(on.app).get(`/demo/callback?code=gbc_x&client_id=${on.seed.expiringApp.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Authorization code received');
    } finally {
      await on.close();
    }
  });

  it('renders a curl that, pasted into bash, runs nothing a hostile code or state carries', async () => {
    const page = await browser(t.app).get(successUrl({ code: HOSTILE, state: HOSTILE, team_id: HOSTILE }));
    expect(page.statusCode).toBe(200);
    const { args, files } = paste(commandOn(page.body));
    expect(files).toEqual([]);
    expect(args).toEqual([
      '-s',
      '-X',
      'POST',
      `${t.config.publicUrl}/v1/oauth/token`,
      '-d',
      'grant_type=authorization_code',
      '--data-urlencode',
      `client_id=${demo.id}`,
      '--data-urlencode',
      'client_secret=from-the-environment',
      '--data-urlencode',
      `code=${HOSTILE}`,
      '--data-urlencode',
      `redirect_uri=${callback()}`,
    ]);
  });

  it('says where the client secret is to a viewer who may not see it', async () => {
    for (const viewer of [browser(t.app), alice]) {
      const page = await viewer.get(successUrl({ code: 'gbc_code', state: 's' }));
      expect(page.body).not.toContain(demo.secret);
      expect(page.body).toContain(
        `Set <code>CLIENT_SECRET</code> to the app’s client secret first. It is on the app’s console page, <a href="${t.config.publicUrl}/apps/${demo.id}#credentials">`,
      );
    }
  });

  it('fills in the client secret for a member of the app’s developer team', async () => {
    const page = await bob.get(successUrl({ code: 'gbc_code', state: 's' }));
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).not.toContain('CLIENT_SECRET');
    const { args } = paste(commandOn(page.body));
    expect(args).toContain(`client_secret=${demo.secret}`);
  });

  it('offers “Try again” on the denied page: a fresh authorization request that opens the consent page', async () => {
    const denied = await bob.get(
      `/demo/callback?${new URLSearchParams({ error: 'access_denied', error_description: 'The user denied the request.', state: 's', iss: t.config.publicUrl })}`,
    );
    expect(denied.statusCode).toBe(200);
    expect(denied.body).toContain('<code>access_denied</code>: The user denied the request.');
    const href = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(denied.body)?.[1];
    expect(href).toBeDefined();
    const retry = new URL(unescapeHtml(href!));
    expect(Object.fromEntries(retry.searchParams)).toEqual({
      response_type: 'code',
      client_id: demo.id,
      redirect_uri: callback(),
    });
    const consent = await bob.get(`${retry.pathname}${retry.search}`);
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('Sticky Sync');
    expect(consent.body).toMatch(/name="decision" value="allow"/);
  });

  it('leaves the registered redirect URI list alone for other apps (the lookup is exact)', async () => {
    expect((await t.services.apps.withRedirectUri(callback())).map((a) => a.id)).toEqual([demo.id]);
    expect(await t.services.apps.withRedirectUri(callback().replace('demo', 'dem_'))).toEqual([]);
    expect((await t.services.apps.withRedirectUri(REDIRECT_URI)).length).toBe(3);
  });
});
