import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/app.js';
import { CHROMIUM, callbackServer, launchBrowser, screenshots, seriousViolations, startServer } from './harness.js';

/**
 * The pages end to end in real Chromium, under their real CSP: sign-in, consent with a team choice,
 * the code exchange, the developer console, install with a token, uninstall in team settings, and
 * the user's authorized apps — with axe-core and screenshots on every page on the way.
 */
describe.skipIf(!existsSync(CHROMIUM))('web pages in Chromium', () => {
  let t: TestApp & { url: string };
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const audited: Record<string, string[]> = {};

  beforeAll(async () => {
    [t, callback, browser] = await Promise.all([startServer(), callbackServer(), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    // CSP violations and script errors show up on the console; a page's own 4xx status does too, and is expected.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        consoleErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'document' && response.status() >= 400) {
        consoleErrors.push(`${response.url()}: ${response.status()}`);
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  /** Screenshots, and axe-core's serious and critical findings, for the page as it is now. */
  async function check(name: string): Promise<void> {
    await screenshots(page, name);
    audited[name] = (await seriousViolations(page)).map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  }

  const fetchJson = async (path: string, init: RequestInit = {}) => fetch(`${t.url}${path}`, init);

  it('takes a user from sign-in through consent, the console, uninstall and revocation', async () => {
    const { seed, services } = t;
    // Bob is a member of Design, where only admins may install apps, and an admin of Other.
    await services.accounts.setInstallPolicy(seed.teamId, seed.alice.id, true);
    const consentApp = await services.apps.create({
      name: 'Sticky Sync',
      teamId: seed.teamId,
      createdBy: seed.alice.id,
      redirectUris: [callback.url],
      scopes: ['boards:read', 'boards:write', 'identity:read'],
      expiring: true,
    });

    // 1. The authorization request sends an anonymous browser to sign in.
    const authorize = new URL('/oauth/authorize', t.url);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: consentApp.app.id,
      redirect_uri: callback.url,
      state: 'state-123',
      team_id: seed.otherTeamId,
    }).toString();
    await page.goto(authorize.href);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await check('sign-in');
    // The email field has the focus: the user can type straight away.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.getByLabel('Email').fill(seed.bob.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await check('sign-in-error');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');

    // 2. Consent: the requested team is preselected; Design is shown, disabled, with the reason.
    await page.waitForURL((url) => url.pathname === '/oauth/authorize');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Install & authorize Sticky Sync');
    const team = page.locator('select[name=team_id]');
    expect(await team.inputValue()).toBe(seed.otherTeamId);
    const design = team.locator(`option[value="${seed.teamId}"]`);
    expect(await design.isDisabled()).toBe(true);
    expect(await design.textContent()).toBe('Design (only team admins can install apps)');
    expect(await page.locator('body').textContent()).toContain('Developed by the Design team');
    await check('consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    // 3. Back at the app with a code and the state; the app's back end exchanges it.
    await page.waitForURL((url) => url.href.startsWith(callback.url));
    const hit = callback.hits.at(-1)!;
    expect(hit.searchParams.get('state')).toBe('state-123');
    expect(hit.searchParams.get('team_id')).toBe(seed.otherTeamId);
    expect(hit.searchParams.get('iss')).toBe(t.url);
    const exchange = await fetchJson('/v1/oauth/token', {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: consentApp.app.id,
        client_secret: consentApp.clientSecret!,
        code: hit.searchParams.get('code')!,
        redirect_uri: callback.url,
      }),
    });
    expect(exchange.status).toBe(200);
    const consentTokens = (await exchange.json()) as { access_token: string; team_id: string; user_id: string };
    expect(consentTokens).toMatchObject({ team_id: seed.otherTeamId, user_id: seed.bob.id });

    // 4. The developer console: create an app for Other, with non-expiring tokens.
    t.clock.advance(60_000);
    await page.goto(`${t.url}/apps`);
    await page.getByRole('link', { name: 'Create new app' }).click();
    await check('app-new');
    await page.getByLabel('App name').fill('Board Reporter');
    await page.getByLabel('Developer team').selectOption(seed.otherTeamId);
    await page.getByLabel('Redirect URIs').fill('https://reporter.example/callback\nhttp://localhost:3001/callback');
    await page.getByRole('checkbox', { name: /^boards:write/ }).check();
    await page.getByRole('radio', { name: /^Non-expiring/ }).check();
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL((url) => /^\/apps\/\d+$/.test(url.pathname));
    const reporterId = new URL(page.url()).pathname.split('/')[2]!;
    // The secret is revealed right after creation, and hidden after a reload.
    const secret = await page.locator('#client-secret').textContent();
    expect(secret).toMatch(/^gbs_/);
    expect(await page.locator('#client-id').textContent()).toBe(reporterId);

    t.clock.advance(60_000);
    // 5. "Install app and get OAuth token": the token is shown once and works.
    await page.getByRole('button', { name: 'Install app and get OAuth token' }).click();
    await page.waitForURL((url) => url.hash === '#token');
    const reporterToken = (await page.locator('#access-token').textContent())!;
    expect(reporterToken).toMatch(/^gba_/);
    await check('app-page-token');
    const context1 = await fetchJson('/v1/oauth-token', { headers: { authorization: `Bearer ${reporterToken}` } });
    expect(context1.status).toBe(200);
    await page.reload();
    expect(await page.locator('#access-token').count()).toBe(0);
    expect(await page.locator('#client-secret').count()).toBe(0);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.locator('#client-secret').textContent()).toBe(secret);

    t.clock.advance(60_000);
    // 6. Team settings → Installed apps: uninstall, with a confirmation step.
    await page.goto(`${t.url}/teams/${seed.otherTeamId}/apps`);
    expect(await page.locator('body').textContent()).toContain('authorized by 1 user');
    await check('team-apps');
    await page.getByRole('link', { name: 'Uninstall Board Reporter' }).click();
    await check('team-uninstall-confirm');
    await page.getByRole('button', { name: 'Uninstall' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Board Reporter is uninstalled from Other; 1 authorization revoked.');
    const context2 = await fetchJson('/v1/oauth-token', { headers: { authorization: `Bearer ${reporterToken}` } });
    expect(context2.status).toBe(401);
    await page.goto(`${t.url}/teams/${seed.otherTeamId}/audit`);
    expect(await page.locator('tbody').textContent()).toContain(
      'Board Reporter was uninstalled; 1 authorization revoked.',
    );
    await check('team-audit');

    t.clock.advance(60_000);
    // 7. Profile → Authorized apps: Sticky Sync in Other; revoking it kills the exchanged token.
    await page.goto(`${t.url}/profile/apps`);
    const rows = page.locator('.row h2');
    expect(await rows.allTextContents()).toEqual(['Sticky Sync']);
    expect(await page.locator('.row').textContent()).toContain('In team Other');
    await check('authorized-apps');
    await page.getByRole('button', { name: 'Revoke access of Sticky Sync in Other' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Access of Sticky Sync is revoked.');
    expect(await page.locator('.row').count()).toBe(0);
    const context3 = await fetchJson('/v1/oauth-token', {
      headers: { authorization: `Bearer ${consentTokens.access_token}` },
    });
    expect(context3.status).toBe(401);

    // 8. The remaining pages, for their looks and accessibility.
    await page.goto(`${t.url}/`);
    await check('home');
    // Keyboard use: the skip link is the first stop and leads to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.goto(`${t.url}/apps`);
    await check('apps');
    await page.goto(`${t.url}/apps/${reporterId}/delete`);
    await check('app-delete-confirm');
    await page.goto(`${t.url}/oauth/authorize?response_type=code&client_id=123&redirect_uri=https://evil.example/`);
    await check('error-unknown-client');

    expect(audited).toEqual(Object.fromEntries(Object.keys(audited).map((name) => [name, []])));
    expect(consoleErrors).toEqual([]);
  }, 120_000); // a dozen pages, each checked with axe and photographed twice, beside the rest of the suite

  it('lets a member where only admins install authorize an app an admin installed, and says whom to ask before', async () => {
    const { seed, services } = t;
    const dana = await services.accounts.createUser({ email: 'dana@example.com', password: PASSWORD, name: 'Dana' });
    await services.accounts.addMember(seed.teamId, dana.id, 'member');
    await services.accounts.setInstallPolicy(seed.teamId, seed.alice.id, true);
    const { app } = await services.apps.create({
      name: 'Team Picker',
      teamId: seed.teamId,
      createdBy: seed.alice.id,
      redirectUris: [callback.url],
      scopes: ['boards:read'],
      expiring: true,
    });
    const own = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
    const authorize = `${t.url}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: app.id,
      redirect_uri: callback.url,
      state: 'dana',
    })}`;
    await own.goto(authorize);
    await own.getByLabel('Email').fill(dana.email);
    await own.getByLabel('Password').fill(PASSWORD);
    await own.getByRole('button', { name: 'Sign in' }).click();

    // Not installed in her only team: no empty picker and no Allow, but why not and whom to ask.
    await own.waitForURL((url) => url.pathname === '/oauth/authorize');
    expect(await own.locator('select').count()).toBe(0);
    expect(await own.getByRole('button', { name: 'Allow' }).count()).toBe(0);
    expect((await own.getByRole('alert').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'You cannot install or authorize Team Picker in any of your teams: Design: only team admins can install apps. Ask Alice (an admin of Design).',
    );
    await screenshots(own, 'consent-no-team');
    expect(await seriousViolations(own)).toEqual([]);

    // Once an admin installed it, Dana chooses Design and allows.
    await services.installs.install(app, seed.teamId, seed.alice.id, ['boards:read']);
    await own.reload();
    expect(await own.locator('select[name=team_id]').inputValue()).toBe(seed.teamId);
    expect(await seriousViolations(own)).toEqual([]);
    await own.getByRole('button', { name: 'Allow' }).click();
    await own.waitForURL((url) => url.href.startsWith(callback.url));
    const hit = callback.hits.at(-1)!;
    expect(hit.searchParams.get('state')).toBe('dana');
    expect(hit.searchParams.get('team_id')).toBe(seed.teamId);
    expect(hit.searchParams.get('code')).toMatch(/^gbc_/);
    await own.context().close();
  }, 60_000);
});
