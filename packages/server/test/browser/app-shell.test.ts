import { existsSync } from 'node:fs';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/storage/repositories/apps.js';
import { type ApiCaller, apiAs, enc } from '../helpers/api.js';
import { PASSWORD, type TestApp } from '../helpers/app.js';
import { shapeMakerServer } from './apps/shape-maker.js';
import { CHROMIUM, launchBrowser, SCREENSHOTS, seriousViolations, startServer } from './harness.js';

/**
 * The app shell in real Chromium (ARCHITECTURE.md decision 17): an app written as Miro's examples
 * are runs headless when the board opens, its toolbar icon opens its panel, and the panel turns the
 * selection into shapes (with item metadata), drags an image from its panel onto the board, shows a notification and opens a modal with
 * data — each result checked through the REST API. A removed scope and a missing one stop the
 * matching calls and events at once.
 */
describe.skipIf(!existsSync(CHROMIUM))('the app shell in Chromium', () => {
  let t: TestApp & { url: string };
  let browser: Browser;
  let page: Page;
  let app: Awaited<ReturnType<typeof shapeMakerServer>>;
  let shapeMaker: App;
  let writerOnly: App;
  let otherSite: App;
  let api: ApiCaller;
  let boardId: string;
  const pageErrors: string[] = [];
  const refused: string[] = [];

  const panel = (): FrameLocator => page.frameLocator('#app-panel-frame');
  const restItems = async (type: string) =>
    (await api.call('GET', `/v2/boards/${enc(boardId)}/items?type=${type}&limit=50`)).json().data as {
      id: string;
      data: { content: string; shape?: string };
      position: { x: number; y: number };
    }[];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startServer(), launchBrowser()]);
    app = await shapeMakerServer(t.url);
    const { seed, services } = t;
    const registration = { teamId: seed.teamId, createdBy: seed.alice.id, expiring: true };
    shapeMaker = (
      await services.apps.create({
        ...registration,
        name: 'Shape Maker',
        redirectUris: [`${app.url}/callback`],
        sdkUri: `${app.url}/`,
        scopes: ['boards:read', 'boards:write'],
      })
    ).app;
    await services.installs.install(shapeMaker, seed.teamId, seed.alice.id, ['boards:read', 'boards:write']);
    // The same pages, installed without boards:read: its panel may write but hears no selection.
    writerOnly = (
      await services.apps.create({
        ...registration,
        name: 'Writer Only',
        redirectUris: [`${app.url}/callback`],
        sdkUri: `${app.url}/?writer`,
        scopes: ['boards:write'],
      })
    ).app;
    await services.installs.install(writerOnly, seed.teamId, seed.alice.id, ['boards:write']);
    // The same pages from another site (localhost, not 127.0.0.1), as a real app is to its board.
    otherSite = (
      await services.apps.create({
        ...registration,
        name: 'Other Site',
        redirectUris: [`${app.url}/callback`],
        sdkUri: `${app.url.replace('127.0.0.1', 'localhost')}/`,
        scopes: ['boards:read', 'boards:write'],
      })
    ).app;
    await services.installs.install(otherSite, seed.teamId, seed.alice.id, ['boards:read', 'boards:write']);
    api = await apiAs(t);
    const actor = { userId: seed.alice.id, teamId: seed.teamId, appId: 'test' };
    boardId = (await services.boards.create(actor, { name: 'Retro' })).board.id;
    for (const [content, x] of [
      ['Went well', -200],
      ['To improve', 100],
    ] as const) {
      await services.items.create(actor, boardId, 'sticky_note', { data: { content }, position: { x, y: 0 } });
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.text().startsWith('Did not deliver')) refused.push(message.text());
      else if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    await page.goto(`${t.url}/app/board/${enc(boardId)}/`);
    await page.getByLabel('Email').fill(seed.alice.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/app/board/'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('runs the app headless and opens its panel, with data, when its toolbar icon is clicked', async () => {
    const toolbar = page.getByRole('toolbar', { name: 'Apps on this board' });
    expect(await toolbar.getByRole('button').count()).toBe(3);
    // The App URL is running before anyone clicks: its frame is on the page, hidden.
    await expect.poll(() => page.locator(`#app-headless-${shapeMaker.id}`).count()).toBe(1);
    expect(await page.locator('#app-panel').isHidden()).toBe(true);
    await toolbar.getByRole('button', { name: 'Shape Maker' }).click();
    await expect.poll(() => panel().locator('#greeting').textContent()).toBe('Hello from the icon');
    expect(await page.locator('#app-panel-title').textContent()).toBe('Shape Maker');
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('.board-bar').screenshot({ path: `${SCREENSHOTS}shell-toolbar.png` });
    await page.screenshot({ path: `${SCREENSHOTS}shell-panel.png` });
  });

  it('turns the selected sticky notes into shapes (click, shift-click, selection:update)', async () => {
    await page.getByRole('group', { name: 'Sticky note: Went well' }).click();
    await page.getByRole('group', { name: 'Sticky note: To improve' }).click({ modifiers: ['Shift'] });
    // selection:update reached the panel through the server.
    await expect.poll(() => panel().locator('#selected').textContent()).toBe('2 selected');
    await panel().getByRole('button', { name: 'Turn into shapes' }).click();
    await expect.poll(() => panel().locator('#status').textContent()).toBe('Made 2 shapes');
    expect(await restItems('sticky_note')).toEqual([]);
    const shapes = await restItems('shape');
    expect(shapes.map((s) => s.data.content).sort()).toEqual(['To improve', 'Went well']);
    expect(shapes.every((s) => s.data.shape === 'round_rectangle')).toBe(true);
    // Each shape carries the app's metadata: which note it was made from (the REST API has no metadata).
    for (const shape of shapes) {
      const metadata = await t.services.appData.ofItem(
        { userId: t.seed.alice.id, teamId: t.seed.teamId, appId: shapeMaker.id },
        boardId,
        shape.id,
      );
      expect(metadata).toEqual({ madeFrom: { stickyNote: expect.stringMatching(/^[0-9]+$/) } });
    }
    await expect.poll(() => page.locator('.item-shape.shape-round_rectangle').count()).toBe(2);
  });

  it('selects with a rubber band, and drops an image dragged from the panel onto the board', async () => {
    const canvas = (await page.locator('#canvas').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(canvas.x + 5, canvas.y + 5);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width - 5, canvas.y + canvas.height - 5, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('.item.selected').count()).toBe(2);

    const source = (await panel().locator('#drag-me').boundingBox())!;
    await page.mouse.move(source.x + 20, source.y + 10);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 200, canvas.y + 150, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => panel().locator('#status').textContent()).toMatch(/^Dropped at /);
    const images = (await api.call('GET', `/v2/boards/${enc(boardId)}/items?type=image&limit=50`)).json().data;
    expect(images.map((i: { data: { imageUrl: string } }) => i.data.imageUrl)).toEqual([`${app.url}/picture.svg`]);
    const [x, y] = (await panel().locator('#status').textContent())!.replace('Dropped at ', '').split(',').map(Number);
    expect(images[0].position).toMatchObject({ x, y });
    // Drawn as a preview box naming the picture (the board loads no image from an app's origin).
    await expect.poll(() => page.getByRole('group', { name: /^Image: picture\.svg/ }).count()).toBe(1);
  });

  it('shows the app’s notification, and opens a modal with data that reports back when closed', async () => {
    await panel().getByRole('button', { name: 'Notify' }).click();
    await expect.poll(() => page.locator('#app-notice').textContent()).toBe('Shapes are ready');
    await panel().getByRole('button', { name: 'Open modal' }).click();
    const modal = page.frameLocator('#app-modal-frame');
    await expect.poll(() => modal.locator('#count').textContent()).toBe('3 items');
    expect(await page.getByRole('dialog', { name: 'Shape Maker' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}shell-modal.png` });
    await modal.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => panel().locator('#status').textContent()).toBe('Modal closed: done');
    expect(await page.locator('#app-modal').isHidden()).toBe(true);
  });

  it('stops selection events and reads at once when boards:read is taken away', async () => {
    await t.services.apps.update(shapeMaker.id, { scopes: ['boards:write'] }, null);
    const before = refused.length;
    await page.getByRole('group', { name: /^Image: picture\.svg/ }).click();
    await expect.poll(() => refused.length).toBeGreaterThan(before);
    expect(refused.at(-1)).toBe(
      "Did not deliver selection:update to Shape Maker: Method 'on('selection:update')' requires scope 'boards:read'",
    );
    expect(await panel().locator('#selected').textContent()).toBe('2 selected');
    await panel().getByRole('button', { name: 'Turn into shapes' }).click();
    await expect
      .poll(() => panel().locator('#status').textContent())
      .toBe("Method 'getSelection' requires scope 'boards:read'");
    expect((await restItems('shape')).length).toBe(2);
    await t.services.apps.update(shapeMaker.id, { scopes: ['boards:read', 'boards:write'] }, null);
  });

  it('refuses an app without boards:read its selection events from the start, with Miro’s message', async () => {
    await page
      .getByRole('toolbar', { name: 'Apps on this board' })
      .getByRole('button', { name: 'Writer Only' })
      .click();
    await expect.poll(() => page.locator('#app-panel-title').textContent()).toBe('Writer Only');
    await expect
      .poll(() => panel().locator('#status').textContent())
      .toBe("Method 'on('selection:update')' requires scope 'boards:read'");
  });

  it('drops from the panel of an app on another site, whose frame never hears the release', async () => {
    await page.getByRole('toolbar', { name: 'Apps on this board' }).getByRole('button', { name: 'Other Site' }).click();
    await expect.poll(() => panel().locator('#greeting').textContent()).toBe('Hello from the icon');
    const canvas = (await page.locator('#canvas').boundingBox())!;
    const source = (await panel().locator('#drag-me').boundingBox())!;
    await page.mouse.move(source.x + 20, source.y + 10);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 260, canvas.y + 120, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => panel().locator('#status').textContent()).toMatch(/^Dropped at /);
    const other = `${app.url.replace('127.0.0.1', 'localhost')}/picture.svg`;
    const images = (await api.call('GET', `/v2/boards/${enc(boardId)}/items?type=image&limit=50`)).json().data;
    expect(images.filter((i: { data: { imageUrl: string } }) => i.data.imageUrl === other).length).toBe(1);
    // A later click on the board is no drop.
    await page.mouse.click(canvas.x + 40, canvas.y + 40);
    await page.waitForTimeout(500);
    const again = (await api.call('GET', `/v2/boards/${enc(boardId)}/items?type=image&limit=50`)).json().data;
    expect(again.length).toBe(images.length);
  });

  it('shows no script errors on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
