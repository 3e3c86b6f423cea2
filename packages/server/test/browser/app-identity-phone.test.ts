import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/app.js';
import { CHROMIUM, launchBrowser, SCREENSHOTS, seriousViolations, startServer } from './harness.js';

const PHONE = { width: 375, height: 812 };

/** How far the page reaches past the viewport's right edge, in CSS pixels (0 when nothing overflows). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * An app's identity at its longest, on a 375-pixel phone in real Chromium: the consent page and the
 * console wrap a 60-character name without spaces, a long description and long links, and nothing
 * scrolls sideways.
 */
describe.skipIf(!existsSync(CHROMIUM))('app identity on a phone in Chromium', () => {
  let t: TestApp & { url: string };
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await (await browser.newContext({ viewport: PHONE })).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('wraps a long name, description and links on the consent page and in the console', async () => {
    const longName = 'Supercalifragilisticexpialidocious'.padEnd(60, 'X');
    const { app } = await t.services.apps.create({
      name: longName,
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [`https://${'callback-'.repeat(6)}host.example/oauth/callback`],
      scopes: ['boards:read', 'boards:write', 'identity:read', 'organizations:cases:management'],
      expiring: true,
      identity: {
        description: `Keeps your boards in sync with ${'averyveryverylongwordwithoutanyspaces'.repeat(3)}. Second sentence.`,
        logoUrl: '/static/icon.svg',
        homepageUrl: `https://www.${'subdomain-'.repeat(5)}planner.example/${'path/'.repeat(20)}`,
        privacyUrl: 'https://planner.example/privacy',
        termsUrl: 'https://planner.example/terms',
      },
    });

    const authorize = new URL('/oauth/authorize', t.url);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: app.id,
      redirect_uri: app.redirectUris[0]!,
    }).toString();
    await page.goto(authorize.href);
    await page.getByLabel('Email').fill(t.seed.alice.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((url) => url.pathname === '/oauth/authorize');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Install & authorize ${longName}`);
    expect(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(
      'https://planner.example/privacy',
    );
    // The logo is an image that loaded under the page's CSP.
    const logo = page.locator('img.app-icon');
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}consent-identity-phone.png`, fullPage: true });
    expect(await overflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${t.url}/apps/${app.id}`);
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}console-app-identity-phone.png`, fullPage: true });

    // A refused form: the long value's message wraps beside its field, still without sideways scrolling.
    await page.getByLabel('Homepage').fill(`http://planner.example/${'x'.repeat(300)}`);
    await Promise.all([page.waitForURL(/\/apps\/\d+$/), page.getByRole('button', { name: 'Save changes' }).click()]);
    const fieldError = page.locator('#homepage_url-error');
    expect(await fieldError.textContent()).toContain('must use https');
    expect(await page.getByLabel('Homepage').getAttribute('aria-describedby')).toBe(
      'homepage_url-hint homepage_url-error',
    );
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}console-app-error-phone.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fits the REST API reference on a phone: tables stack, examples wrap', async () => {
    await page.goto(`${t.url}/docs/api`);
    expect(await page.getByRole('link', { name: '← Back to Grantboard' }).getAttribute('href')).toBe('/');
    expect(await page.locator('#authorization').isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}api-reference-phone.png` });
    expect(await overflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows browsers a 404 page that fits a phone', async () => {
    const response = await page.goto(`${t.url}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    expect(await overflow(page)).toBe(0);
  });
});
