import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, createBoard, enc } from '../helpers/api.js';
import { PASSWORD, type TestApp } from '../helpers/app.js';
import { multipart, PNG } from '../helpers/multipart.js';
import { CHROMIUM, launchBrowser, screenshots, startServer } from './harness.js';

/**
 * The board page draws an image uploaded through the REST API as the picture itself (a file of
 * Grantboard's own origin, allowed by the page's `img-src 'self'`), and an image hosted elsewhere
 * as the labelled box it always was.
 */
describe.skipIf(!existsSync(CHROMIUM))('uploaded images on the board page in Chromium', () => {
  let t: TestApp & { url: string };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws the uploaded picture, and a box for an image hosted elsewhere', async () => {
    const alice = await apiAs(t);
    const board = await createBoard(alice, { name: 'Pictures' });
    const { payload, headers } = multipart([
      { name: 'resource', filename: 'dot.png', body: PNG },
      { name: 'data', body: JSON.stringify({ title: 'Dot', geometry: { width: 200 } }) },
    ]);
    const uploaded = await t.app.inject({
      method: 'POST',
      url: `/v2/boards/${enc(board)}/images`,
      payload,
      headers: { ...headers, authorization: `Bearer ${alice.token}` },
    });
    expect(uploaded.statusCode).toBe(201);
    const remote = await alice.call('POST', `/v2/boards/${enc(board)}/images`, {
      data: { url: 'https://images.example/far.png' },
      position: { x: 400 },
    });
    expect(remote.statusCode).toBe(201);

    await page.goto(`${t.url}/app/board/${encodeURIComponent(board)}/`);
    await page.getByLabel('Email').fill(t.seed.alice.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/app/board/'));

    const drawn = page.getByRole('group', { name: 'Image: Dot' });
    await expect.poll(() => drawn.locator('img.item-picture').count()).toBe(1);
    const picture = drawn.locator('img.item-picture');
    expect(await picture.getAttribute('src')).toBe(new URL(uploaded.json().data.imageUrl).pathname);
    // Loaded under the page's CSP, not blocked.
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    const box = page.getByRole('group', { name: /^Image: far\.png/ });
    expect(await box.count()).toBe(1);
    expect(await box.locator('img').count()).toBe(0);
    await screenshots(page, 'board-uploaded-image');
    expect(problems).toEqual([]);
  });
});
