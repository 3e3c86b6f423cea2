import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startUpstreamProvider } from '../helpers/upstream-provider.js';
import { CHROMIUM, callbackServer, launchBrowser, screenshots, seriousViolations } from './harness.js';

const CLIENT = { clientId: 'grantboard', clientSecret: 'grantboard-at-the-upstream-0123456789' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Upstream sign-in in real Chromium, under the pages' real CSP: an app's authorization request
 * sends the browser to sign in, "Continue with Acme SSO" goes to panva's oidc-provider, whose login
 * and consent forms send it back, and the user lands on Grantboard's consent page and allows.
 */
describe.skipIf(!existsSync(CHROMIUM))('upstream sign-in in Chromium', () => {
  let t: TestApp;
  let url: string;
  let upstream: Awaited<ReturnType<typeof startUpstreamProvider>>;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    upstream = await startUpstreamProvider({ ...CLIENT, redirectUris: [`${url}/signin/upstream/corp/callback`] });
    upstream.accounts.set('lin', { email: 'lin@corp.example', email_verified: true, name: 'Lin Upstream' });
    t = await startTestApp('sqlite', {
      PUBLIC_URL: url,
      GRANTBOARD_OIDC_PROVIDERS: JSON.stringify([{ id: 'corp', name: 'Acme SSO', issuer: upstream.issuer, ...CLIENT }]),
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    [callback, browser] = await Promise.all([callbackServer(), launchBrowser()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('console', (message) => {
      // Only Grantboard's pages are judged; the test provider's development pages are not ours.
      if (message.type() === 'error' && page.url().startsWith(url) && !message.text().startsWith('Failed to load')) {
        errors.push(`${page.url()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
    await upstream?.close();
  });

  it('signs a new user in at the provider and brings them back to the consent page they started from', async () => {
    const app = await t.services.apps.create({
      name: 'Sticky Sync',
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [callback.url],
      scopes: ['boards:read'],
      expiring: true,
    });
    // Lin will be a member of Design once signed in (here by a team admin, there is no mapping).
    const authorize = `${url}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: app.app.id,
      redirect_uri: callback.url,
      state: 'chromium-state',
    })}`;
    await page.goto(authorize);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'signin-with-provider');
    await page.getByRole('link', { name: 'Continue with Acme SSO' }).click();
    await page.waitForURL((u) => u.href.startsWith(upstream.issuer));
    // The provider's development login takes any account id and any password.
    await page.locator('input[name="login"]').fill('lin');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // The provider asks once for consent to release the claims.
    await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
    await page.waitForURL((u) => u.href.startsWith(url));
    const lin = await t.repos.users.findByEmail('lin@corp.example');
    expect(lin?.name).toBe('Lin Upstream');
    // Back at the authorization request; Lin is in no team yet, so the page says so.
    expect(new URL(page.url()).pathname).toBe('/oauth/authorize');
    await t.services.accounts.addMember(t.seed.teamId, lin!.id, 'member');
    await page.reload();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Install & authorize Sticky Sync');
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => callback.hits.length).toBe(1);
    expect(callback.hits[0]?.searchParams.get('state')).toBe('chromium-state');
    expect(callback.hits[0]?.searchParams.get('code')).toBeTruthy();
    expect(errors).toEqual([]);
  });
});
