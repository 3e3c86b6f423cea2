import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStickyListServer } from '../../../../examples/sticky-list/src/server.js';
import type { App } from '../../src/storage/repositories/apps.js';
import { PASSWORD, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/listening-app.js';
import { CHROMIUM, launchBrowser, SCREENSHOTS, screenshots, seriousViolations, startServer } from './harness.js';

/** A page on a third origin that posts forged Web SDK calls to every window it can reach. */
async function foreignServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><title>Elsewhere</title><body>Elsewhere<script>
      const forged = (id) => ({ source: 'grantboard-sdk', id, method: 'createStickyNote', params: { content: 'Forged' } });
      let id = 1000;
      setInterval(() => {
        const targets = [window.parent !== window && window.parent, window.opener, window.board];
        for (const target of targets.filter(Boolean)) {
          target.postMessage({ source: 'grantboard-sdk', hello: 2 }, '*');
          target.postMessage(forged(id++), '*');
        }
      }, 100);
    </script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The Web SDK end to end in real Chromium, under the real CSPs: the board page, the Sticky List
 * example app installed from the Apps panel with the OAuth code flow alongside, sticky notes added
 * through the SDK and seen on the board and through the REST API, the id token verified by the
 * example's back end, a missing scope, forged messages from other origins, and uninstalling.
 */
describe.skipIf(!existsSync(CHROMIUM))('board page and Web SDK in Chromium', () => {
  let t: TestApp & { url: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let example: ReturnType<typeof createStickyListServer>;
  let exampleUrl: string;
  let foreign: Awaited<ReturnType<typeof foreignServer>>;
  let stickyList: App;
  let stickySecret: string;
  let readOnly: App;
  let boardId: string;
  const pageErrors: string[] = [];
  const warnings: string[] = [];

  const boardUrl = (app?: App) => `${t.url}/app/board/${encodeURIComponent(boardId)}/${app ? `?app=${app.id}` : ''}`;
  const notesOnBoard = (p: Page = page) => p.locator('.item-sticky_note');
  const appFrame = (p: Page = page): FrameLocator => p.frameLocator('#app-panel-frame');
  const countNotes = () => t.repos.items.count(boardId, 'sticky_note');

  beforeAll(async () => {
    const port = await freePort();
    exampleUrl = `http://127.0.0.1:${port}`;
    [t, browser, foreign] = await Promise.all([startServer(), launchBrowser(), foreignServer()]);
    // Id tokens are checked against the real time by the example's back end.
    t.clock.advance(Date.now() - t.clock.now());
    const { seed, services } = t;
    const registration = {
      teamId: seed.teamId,
      createdBy: seed.alice.id,
      redirectUris: [`${exampleUrl}/callback`],
      expiring: true,
    };
    const created = await services.apps.create({
      ...registration,
      name: 'Sticky List',
      sdkUri: `${exampleUrl}/`,
      sdkRedirectUri: `${exampleUrl}/callback`,
      scopes: ['boards:read', 'boards:write', 'identity:read'],
    });
    stickyList = created.app;
    stickySecret = created.clientSecret!;
    readOnly = (
      await services.apps.create({
        ...registration,
        name: 'Sticky List (read only)',
        sdkUri: `${exampleUrl}/?variant=read-only`,
        scopes: ['boards:read'],
      })
    ).app;
    example = createStickyListServer({
      grantboardUrl: t.url,
      publicUrl: exampleUrl,
      clientId: stickyList.id,
      clientSecret: stickySecret,
    });
    await new Promise<void>((resolve) => example.server.listen(port, '127.0.0.1', resolve));

    const actor = { userId: seed.alice.id, teamId: seed.teamId, appId: 'test' };
    const board = await services.boards.create(actor, { name: 'Launch plan' });
    boardId = board.board.id;
    const frame = await services.items.create(actor, boardId, 'frame', {
      data: { title: 'This week' },
      position: { x: 0, y: 0 },
      geometry: { width: 900, height: 500 },
    });
    await services.items.create(actor, boardId, 'sticky_note', {
      data: { content: 'Write the <b>announcement</b>' },
      position: { x: 150, y: 150 },
      parent: { id: frame.id },
    });
    await services.items.create(actor, boardId, 'text', {
      data: { content: 'Launch on Friday' },
      position: { x: 0, y: -330 },
    });

    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) =>
      example?.server.listening ? example.server.close(() => resolve()) : resolve(),
    );
    await foreign?.close();
    await t?.close();
  });

  it('draws the board, and lets an editor add, write on and move a sticky note', async () => {
    await page.goto(boardUrl());
    await page.getByLabel('Email').fill(t.seed.alice.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/app/board/'));
    await expect.poll(() => notesOnBoard().count()).toBe(1);
    // Item text is shown as text, never as markup.
    expect(await notesOnBoard().first().textContent()).toContain('Write the announcement');
    expect(await page.locator('.frame-title').textContent()).toBe('This week');
    expect(await page.locator('.item-text', { hasText: 'Launch on Friday' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Add sticky note' }).click();
    await expect.poll(() => notesOnBoard().count()).toBe(2);
    await expect.poll(countNotes).toBe(2);
    await page.keyboard.press('Enter');
    await page.keyboard.type('Book the venue');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () =>
        (await t.repos.items.page(boardId, { type: 'sticky_note', limit: 10 })).map((i) => JSON.parse(i.data).content),
      )
      .toContain('Book the venue');

    const note = page.getByRole('group', { name: 'Sticky note: Book the venue' });
    const before = (await t.repos.items.page(boardId, { type: 'sticky_note', limit: 10 })).find((i) =>
      i.data.includes('venue'),
    )!;
    const box = (await note.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => (await t.repos.items.find(boardId, before.id))!.position_x)
      .toBeGreaterThan(before.position_x + 20);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'board');
  });

  it('installs Sticky List from the Apps panel, with the code flow through its back end', async () => {
    await page.getByRole('link', { name: 'Add Sticky List', exact: true }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/install'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Install & authorize Sticky List');
    expect(await page.locator('body').textContent()).toContain('identity:read');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'board-install');
    await page.getByRole('button', { name: 'Allow' }).click();
    // Through the app's back end (code exchange) and /app-install-completed, back to the board with the app open.
    await page.waitForURL(
      (url) => url.pathname.startsWith('/app/board/') && url.searchParams.get('app') === stickyList.id,
    );
    expect(example.tokens.has(`${t.seed.alice.id}:${t.seed.teamId}`)).toBe(true);
    expect((await t.repos.installations.find(stickyList.id, t.seed.teamId))?.scopes).toEqual([
      'boards:read',
      'boards:write',
      'identity:read',
    ]);
    await expect.poll(() => appFrame().locator('#who').textContent()).toBe('Hello, Alice.');
    await expect.poll(() => appFrame().locator('#count').textContent()).toBe('(2 sticky notes)');
  });

  it('adds sticky notes through the SDK: on the board, to the app’s own list, and in the REST API', async () => {
    await appFrame().getByRole('button', { name: 'Add to board' }).click();
    await expect.poll(() => appFrame().locator('#status').textContent()).toBe('Added 3 sticky notes.');
    await expect.poll(() => notesOnBoard().count()).toBe(5);
    expect(await page.getByRole('group', { name: 'Sticky note: Sketch the flow' }).count()).toBe(1);
    // The app hears of its own notes through items:create.
    await expect.poll(() => appFrame().locator('#count').textContent()).toBe('(5 sticky notes)');
    // The app's back end sees them with the REST token it got at install.
    const { accessToken } = example.tokens.get(`${t.seed.alice.id}:${t.seed.teamId}`)!;
    const rest = await fetch(`${t.url}/v2/boards/${encodeURIComponent(boardId)}/items?type=sticky_note&limit=50`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const contents = ((await rest.json()) as { data: { data: { content: string } }[] }).data.map((i) => i.data.content);
    expect(contents).toEqual(expect.arrayContaining(['Research users', 'Sketch the flow', 'Build a prototype']));

    // A note added through the REST API reaches the board, and the app hears of it.
    await fetch(`${t.url}/v2/boards/${encodeURIComponent(boardId)}/sticky_notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { content: 'From the REST API' }, position: { x: 600, y: 600 } }),
    });
    await expect.poll(() => notesOnBoard().count(), { timeout: 10_000 }).toBe(6);
    await expect.poll(() => appFrame().locator('#count').textContent(), { timeout: 10_000 }).toBe('(6 sticky notes)');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'board-app');
    // The app's panel, on a phone: the frame is painted once it is scrolled to.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#app-panel').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.locator('#app-panel').screenshot({ path: `${SCREENSHOTS}board-app-panel-phone.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('gives the app an id token its back end verifies with jose and the client secret', async () => {
    await appFrame().getByRole('button', { name: 'Who am I, says the back end?' }).click();
    await expect.poll(() => appFrame().locator('#backend').textContent()).toContain('"verified": true');
    const answer = JSON.parse((await appFrame().locator('#backend').textContent())!);
    expect(answer).toMatchObject({
      clientId: stickyList.id,
      user: t.seed.alice.id,
      team: t.seed.teamId,
      restToken: { scope: 'boards:read boards:write identity:read', boards: 1 },
    });
    // The same token, checked here too: HS256 with the client secret, Miro's claims.
    const frame = page.frames().find((f) => f.url().startsWith(exampleUrl))!;
    const token = await frame.evaluate(() =>
      (window as unknown as { miro: { board: { getIdToken(): Promise<string> } } }).miro.board.getIdToken(),
    );
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(stickySecret), {
      issuer: 'miro',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: stickyList.id, team: t.seed.teamId, user: t.seed.alice.id });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('fails a call the installation’s scopes do not cover, with Miro’s message', async () => {
    await page.goto(boardUrl(readOnly));
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.searchParams.get('app') === readOnly.id);
    await expect
      .poll(() => appFrame().locator('#who').textContent())
      .toBe("Method 'getUserInfo' requires scope 'identity:read'");
    const before = await countNotes();
    await appFrame().getByRole('button', { name: 'Add to board' }).click();
    await expect
      .poll(() => appFrame().locator('#status').textContent())
      .toBe("Method 'createStickyNote' requires scope 'boards:write'");
    expect(await countNotes()).toBe(before);
  });

  it('ignores Web SDK messages from any other window or origin', async () => {
    // A context without the page's CSP, so a frame from another origin can be put into the board page
    // and the app's frame can be navigated away: the bridge's own checks must hold without the CSP.
    const loose = await browser.newContext({ storageState: await context.storageState(), bypassCSP: true });
    try {
      const board = await loose.newPage();
      const ignored: string[] = [];
      board.on('console', (message) => {
        if (message.text().startsWith('Ignored a Web SDK message')) ignored.push(message.text());
      });
      await board.goto(boardUrl(stickyList));
      await expect
        .poll(() => board.frameLocator('#app-panel-frame').locator('#who').textContent())
        .toBe('Hello, Alice.');
      const before = await countNotes();
      // 1. A second iframe, from another origin, posting to the board.
      await board.evaluate((src) => {
        const intruder = document.createElement('iframe');
        intruder.src = src;
        intruder.title = 'Intruder';
        document.body.append(intruder);
      }, foreign.url);
      // 2. Another window holding a reference to a board window it opened.
      const opener = await loose.newPage();
      await opener.goto(foreign.url);
      await opener.evaluate((url) => {
        (window as unknown as { board: Window | null }).board = window.open(url, 'board');
      }, boardUrl());
      // 3. The app's own frame, navigated to another origin: the right window, the wrong origin.
      await board.evaluate((src) => {
        (document.getElementById('app-panel-frame') as HTMLIFrameElement).src = src;
      }, foreign.url);
      await expect
        .poll(() => ignored.some((m) => m.includes(new URL(foreign.url).origin)), { timeout: 10_000 })
        .toBe(true);
      await board.waitForTimeout(1000);
      expect(await countNotes()).toBe(before);
      expect(await board.locator('.item-sticky_note', { hasText: 'Forged' }).count()).toBe(0);
    } finally {
      await loose.close();
    }
  });

  it('stops the app’s SDK calls once it is uninstalled in team settings', async () => {
    // The app stays open in a second tab while an admin uninstalls it.
    const open = await context.newPage();
    await open.goto(boardUrl(stickyList));
    await expect.poll(() => appFrame(open).locator('#who').textContent()).toBe('Hello, Alice.');

    await page.goto(`${t.url}/teams/${t.seed.teamId}/apps`);
    await page.getByRole('link', { name: 'Uninstall Sticky List', exact: true }).click();
    await page.getByRole('button', { name: 'Uninstall' }).click();
    await page.waitForURL((url) => url.pathname === `/teams/${t.seed.teamId}/apps`);
    expect(await t.repos.installations.find(stickyList.id, t.seed.teamId)).toBeUndefined();

    const before = await countNotes();
    await appFrame(open).getByRole('button', { name: 'Add to board' }).click();
    await expect
      .poll(() => appFrame(open).locator('#status').textContent())
      .toBe("Sticky List is not installed in Design. Install it from the board's Apps panel.");
    expect(await countNotes()).toBe(before);

    // Events stop too: a note added elsewhere reaches the board, but the server refuses to deliver
    // items:create to the app's panel, so its list stays as it was.
    const refused: string[] = [];
    open.on('console', (message) => {
      if (message.text().startsWith('Did not deliver items:create to Sticky List')) refused.push(message.text());
    });
    const listed = await appFrame(open).locator('#count').textContent();
    const actor = { userId: t.seed.alice.id, teamId: t.seed.teamId, appId: 'test' };
    await t.services.items.create(actor, boardId, 'sticky_note', { data: { content: 'After the uninstall' } });
    await expect
      .poll(() => open.getByRole('group', { name: 'Sticky note: After the uninstall' }).count(), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => refused.length).toBeGreaterThan(0);
    expect(refused[0]).toContain('is not installed in Design');
    expect(await appFrame(open).locator('#count').textContent()).toBe(listed);
    await open.close();
    // Opening it again asks to install it again.
    await page.goto(boardUrl(stickyList));
    expect(new URL(page.url()).pathname).toMatch(/\/install$/);
  });

  it('shows no script errors or CSP violations on the way', () => {
    expect(pageErrors).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('Ignored'))).toEqual([]);
  });
});
