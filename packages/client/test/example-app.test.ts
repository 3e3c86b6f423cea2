import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Grantboard, startGrantboard } from '@grantboard/testing';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, Browser, formFields } from './support/browser.js';
import { buildPackages, REPO_ROOT } from './support/build.js';
import { freePort } from './support/grantboard-server.js';

/**
 * The example app (examples/connect-board) as its users see it, against the real server:
 * Connect → sign in → consent → connected with the token's expiry → sticky note → disconnect.
 * Grantboard runs in this process through @grantboard/testing; the example runs as its own process.
 */

const USER = { email: 'grace@example.com', password: 'a long enough password', name: 'Grace' };

let server: Grantboard;
let example: ChildProcess | undefined;
let exampleUrl: string;
let dataDir: string;

beforeAll(async () => {
  await buildPackages(['packages/server', 'packages/client', 'packages/testing', 'examples/connect-board']);
  const port = await freePort();
  exampleUrl = `http://127.0.0.1:${port}`;
  // The app's registration is fixtures, as an app's own test suite would keep it.
  server = await startGrantboard({
    fixtures: {
      users: [USER],
      teams: [{ name: 'Research', members: [{ email: USER.email, role: 'admin' }] }],
      apps: [
        {
          name: 'Connect your board',
          team: 'Research',
          clientId: '3458764500000000311',
          expiring: true,
          redirectUris: [`${exampleUrl}/callback`],
          scopes: ['boards:read', 'boards:write'],
        },
      ],
    },
    env: { REFRESH_REUSE_GRACE_SECONDS: '0' },
  });
  const app = server.app('Connect your board');
  dataDir = await mkdtemp(join(tmpdir(), 'gb-example-'));
  example = spawn(process.execPath, [join(REPO_ROOT, 'examples/connect-board/dist/main.js')], {
    env: {
      ...process.env,
      GRANTBOARD_URL: server.url,
      PORT: String(port),
      EXAMPLE_URL: exampleUrl,
      EXAMPLE_DATA_DIR: dataDir,
      CLIENT_ID: app.clientId,
      CLIENT_SECRET: app.clientSecret ?? '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let waited = 0; ; waited += 100) {
    if (
      await fetch(exampleUrl).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (waited > 15_000) throw new Error('the example app did not start');
    await sleep(100);
  }
}, 120_000);

afterAll(async () => {
  if (example && example.exitCode === null) {
    const gone = new Promise((resolve) => example?.once('exit', resolve));
    example.kill('SIGTERM');
    await gone;
  }
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Clicks "Connect your board" and walks the server's pages; returns the app's page after the callback. */
async function connect(browser: Browser, decision: 'allow' | 'deny' = 'allow') {
  const start = await browser.request(`${exampleUrl}/connect`);
  const authorizationUrl = start.headers.get('location') ?? '';
  expect(authorizationUrl.startsWith(`${server.url}/oauth/authorize?`)).toBe(true);
  const callbackUrl = await authorizeAsUser(authorizationUrl, USER, decision);
  expect(callbackUrl.startsWith(`${exampleUrl}/callback?`)).toBe(true);
  const landed = await browser.visit(callbackUrl);
  return { url: landed.url, html: await landed.response.text() };
}

describe('examples/connect-board against the real server', () => {
  it('connects, shows the token expiry, and disconnects', async () => {
    const browser = new Browser();
    const home = await browser.visit(`${exampleUrl}/`);
    expect(await home.response.text()).toContain('Connect your board</a>');

    const connected = await connect(browser);
    expect(connected.url).toBe(`${exampleUrl}/?msg=connected`);
    expect(connected.html).toContain('Connected. Your board account is linked to this app.');
    const expires = /<dd id="expires">([^<]+)<\/dd>/.exec(connected.html)?.[1] ?? '';
    const inAnHour = Date.parse(expires) - Date.now();
    expect(inAnHour).toBeGreaterThan(3_000_000);
    expect(inAnHour).toBeLessThanOrEqual(3_600_000);
    const stored = JSON.parse(await readFile(join(dataDir, 'connect-board-tokens.json'), 'utf8'));
    expect(Object.keys(stored.tokens)).toHaveLength(1);

    const disconnect = await browser.request(`${exampleUrl}/disconnect`, {
      method: 'POST',
      form: formFields(connected.html, '/disconnect'),
    });
    expect(disconnect.headers.get('location')).toBe('/?msg=disconnected');
    const after = await browser.visit(`${exampleUrl}/?msg=disconnected`);
    expect(await after.response.text()).toContain('Connect your board</a>');
    const cleared = JSON.parse(await readFile(join(dataDir, 'connect-board-tokens.json'), 'utf8'));
    expect(Object.keys(cleared.tokens)).toHaveLength(0);
  });

  it('tells the user when they declined', async () => {
    const declined = await connect(new Browser(), 'deny');
    expect(declined.html).toContain('You declined the authorization.');
  });

  it('refuses a form post without the CSRF token', async () => {
    const browser = new Browser();
    await connect(browser);
    const forged = await browser.request(`${exampleUrl}/disconnect`, { method: 'POST', form: new URLSearchParams() });
    expect(forged.status).toBe(403);
  });

  it('adds a sticky note through the REST API', async (context) => {
    const probe = await fetch(`${server.url}/v2/boards`);
    if (probe.status === 404) context.skip('the server has no REST API v2 yet');
    const browser = new Browser();
    const connected = await connect(browser);
    const fields = formFields(connected.html, '/notes');
    fields.set('content', 'Written by the example app');
    const added = await browser.request(`${exampleUrl}/notes`, { method: 'POST', form: fields });
    expect(added.headers.get('location')).toBe('/?msg=note-created');
  });
});

describe('examples/connect-board under the test controls', () => {
  const storedAccessToken = async () => {
    const stored = JSON.parse(await readFile(join(dataDir, 'connect-board-tokens.json'), 'utf8'));
    // The file store keeps each token set as a JSON string; the latest connection is the last one.
    return JSON.parse(Object.values(stored.tokens as Record<string, string>).at(-1) ?? '{}').accessToken as string;
  };
  const addNote = async (browser: Browser, html: string) => {
    const fields = formFields(html, '/notes');
    fields.set('content', 'Under a test control');
    return (await browser.request(`${exampleUrl}/notes`, { method: 'POST', form: fields })).headers.get('location');
  };

  it('recovers from an expired token, shows a 429, and asks to reconnect after an uninstall', async () => {
    const browser = new Browser();
    const { html } = await connect(browser);
    const first = await storedAccessToken();
    await server.expireAccessToken(first);
    expect(await addNote(browser, html)).toBe('/?msg=note-created');
    expect(await storedAccessToken()).not.toBe(first);

    await server.rateLimit('Connect your board', USER.email, 60);
    const limited = await (await browser.visit(`${exampleUrl}/`)).response.text();
    expect(limited).toContain('The board API answered 429 tooManyRequests');
    await server.rateLimit('Connect your board', USER.email, 0);

    await server.uninstall('Connect your board', 'Research');
    expect(await addNote(browser, html)).toBe('/?msg=reconnect');
    await server.reinstall('Connect your board', USER.email, 'Research');
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('examples/connect-board in Chromium', () => {
  it('Connect → sign in → consent → connected with the expiry → sticky note (when the API exists) → disconnect', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${exampleUrl}/`);
      await page.getByRole('link', { name: 'Connect your board' }).click();
      await page.waitForURL(`${server.url}/**`);
      await page.locator('#email').fill(USER.email);
      await page.locator('#password').fill(USER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${exampleUrl}/?msg=connected`);
      await expect(page.getByText('Your board account is linked to this app.').isVisible()).resolves.toBe(true);
      const expires = Date.parse((await page.locator('#expires').textContent()) ?? '');
      expect(expires - Date.now()).toBeGreaterThan(3_000_000);

      const api = await fetch(`${server.url}/v2/boards`);
      if (api.status !== 404) {
        await page.locator('#content').fill('Added in Chromium');
        await page.getByRole('button', { name: 'Add sticky note' }).click();
        await page.waitForURL(`${exampleUrl}/?msg=note-created`);
      }

      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.waitForURL(`${exampleUrl}/?msg=disconnected`);
      await expect(page.getByRole('link', { name: 'Connect your board' }).isVisible()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
