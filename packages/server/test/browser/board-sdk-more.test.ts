import { existsSync } from 'node:fs';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/storage/repositories/apps.js';
import { type ApiCaller, apiAs, enc } from '../helpers/api.js';
import { PASSWORD, type TestApp } from '../helpers/app.js';
import { bareAppServer } from './apps/bare-app.js';
import { CHROMIUM, launchBrowser, startServer } from './harness.js';

/** The `miro` global as a test drives it inside the app's frame. */
type Sdk = { board: Record<string, (...args: unknown[]) => Promise<unknown>> & Record<string, unknown> };
type SdkError = { message: string; code: string };

/**
 * More of the Web SDK's board methods in real Chromium, called in an installed app's headless
 * frame as its own script would call them: tags, z-order, images by data URL, app card events and
 * the namespaces Grantboard does not do. Every write is checked through the REST API.
 */
describe.skipIf(!existsSync(CHROMIUM))('Web SDK board methods in Chromium', () => {
  let t: TestApp & { url: string };
  let browser: Browser;
  let page: Page;
  let bare: Awaited<ReturnType<typeof bareAppServer>>;
  let app: App;
  let api: ApiCaller;
  let boardId: string;
  const pageErrors: string[] = [];

  /** The app's headless frame (or the other app's, on the same origin). */
  const frame = (which = '/'): Frame => page.frames().find((f) => f.url() === `${bare.url}${which}`)!;
  /** Runs `body` (a function of `miro`) in the app's frame; a rejection comes back as `{error}`. */
  async function inApp<T>(body: string, arg?: unknown, which = '/'): Promise<T | { error: SdkError }> {
    return frame(which).evaluate(
      async ([source, value]) => {
        const run = new Function('miro', 'arg', `return (${source})(miro, arg);`);
        try {
          return await run((window as unknown as { miro: Sdk }).miro, value);
        } catch (error) {
          return { error: { message: (error as Error).message, code: (error as SdkError).code } };
        }
      },
      [body, arg] as const,
    ) as Promise<T | { error: SdkError }>;
  }
  const rest = async (path: string) => (await api.call('GET', `/v2/boards/${enc(boardId)}${path}`)).json();

  beforeAll(async () => {
    [t, browser] = await Promise.all([startServer(), launchBrowser()]);
    bare = await bareAppServer(t.url);
    const { seed, services } = t;
    app = (
      await services.apps.create({
        teamId: seed.teamId,
        createdBy: seed.alice.id,
        expiring: true,
        name: 'Bare',
        redirectUris: [`${bare.url}/callback`],
        sdkUri: `${bare.url}/`,
        scopes: ['boards:read', 'boards:write'],
      })
    ).app;
    await services.installs.install(app, seed.teamId, seed.alice.id, ['boards:read', 'boards:write']);
    const other = (
      await services.apps.create({
        teamId: seed.teamId,
        createdBy: seed.alice.id,
        expiring: true,
        name: 'Other',
        redirectUris: [`${bare.url}/callback`],
        sdkUri: `${bare.url}/?other`,
        scopes: ['boards:read'],
      })
    ).app;
    await services.installs.install(other, seed.teamId, seed.alice.id, ['boards:read']);
    api = await apiAs(t);
    const actor = { userId: seed.alice.id, teamId: seed.teamId, appId: 'test' };
    boardId = (await services.boards.create(actor, { name: 'Planning' })).board.id;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    await page.goto(`${t.url}/app/board/${enc(boardId)}/`);
    await page.getByLabel('Email').fill(seed.alice.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/app/board/'));
    // The app's frame is loaded; the bridge answers once the handshake is done.
    await page.waitForFunction(
      (url) => Array.from(document.querySelectorAll('iframe')).filter((f) => f.src.startsWith(url)).length === 2,
      bare.url,
    );
    await page.waitForLoadState('load');
  });
  afterAll(async () => {
    await browser?.close();
    await bare?.close();
    await t?.close();
  });

  it('creates tags, tags sticky notes and cards on create and on sync, filters by tag, and draws them', async () => {
    const made = await inApp<{ tags: unknown[]; note: { id: string; tagIds: string[] }; card: { id: string } }>(
      `async (miro) => {
        const urgent = await miro.board.createTag({ title: 'Urgent', color: 'red' });
        const later = await miro.board.createTag({ title: 'Later', color: 'blue' });
        const note = await miro.board.createStickyNote({ content: 'Call the venue', tagIds: [urgent.id], x: 0, y: 0 });
        const card = await miro.board.createCard({ title: 'Order badges', x: 400, y: 0 });
        card.tagIds = [later.id, urgent.id];
        await card.sync();
        return { tags: [urgent, later], note, card };
      }`,
    );
    expect(made).not.toHaveProperty('error');
    const { tags, note, card } = made as Exclude<typeof made, { error: SdkError }>;
    expect(tags).toEqual([
      { id: expect.any(String), type: 'tag', title: 'Urgent', color: 'red' },
      { id: expect.any(String), type: 'tag', title: 'Later', color: 'blue' },
    ]);
    const [urgent, later] = tags as { id: string }[];
    expect(note.tagIds).toEqual([urgent!.id]);
    // The REST API sees the same tags, on the same items.
    const restTags = await rest('/tags');
    // (Tags made in the same millisecond of the test's clock list in id order.)
    expect(restTags.data.map((tag: { title: string; fillColor: string }) => [tag.title, tag.fillColor]).sort()).toEqual(
      [
        ['Later', 'blue'],
        ['Urgent', 'red'],
      ],
    );
    expect((await rest(`/items/${note.id}/tags`)).tags.map((tag: { id: string }) => tag.id)).toEqual([urgent!.id]);
    expect((await rest(`/items/${card.id}/tags`)).tags.map((tag: { id: string }) => tag.id)).toEqual([
      later!.id,
      urgent!.id,
    ]);
    // get: by type 'tag', by tag, and everything (items and tags, as Miro answers).
    const got = await inApp<{ byType: string[]; byTag: string[]; all: string[] }>(
      `async (miro, urgent) => ({
        byType: (await miro.board.get({ type: 'tag' })).map((t) => t.title).sort(),
        byTag: (await miro.board.get({ tags: [urgent] })).map((i) => i.id).sort(),
        all: (await miro.board.get()).map((i) => i.type).sort(),
      })`,
      urgent!.id,
    );
    expect(got).toEqual({
      byType: ['Later', 'Urgent'],
      byTag: [note.id, card.id].sort(),
      all: ['card', 'sticky_note', 'tag', 'tag'],
    });
    // The board draws the tags on the items that carry them.
    await expect
      .poll(() => page.getByRole('group', { name: 'Card: Order badges (tags: Later, Urgent)' }).count())
      .toBe(1);
    expect(await page.locator(`[data-item-id="${note.id}"] .item-tag`).allTextContents()).toEqual(['Urgent']);
  });

  it('renames and recolours a tag with sync, removes it everywhere with remove, and refuses bad tags', async () => {
    const result = await inApp<{ renamed: unknown; tooMany: SdkError; onShape: SdkError; unknown: SdkError }>(
      `async (miro) => {
        const tags = await miro.board.get({ type: 'tag' });
        const urgent = tags.find((t) => t.title === 'Urgent');
        const later = tags.find((t) => t.title === 'Later');
        urgent.title = 'Now';
        urgent.color = 'dark_gray';
        await urgent.sync();
        await miro.board.remove(later);
        const fail = (p) => p.then(() => ({ message: 'no error' }), (e) => ({ message: e.message, code: e.code }));
        const shape = await miro.board.createShape({ content: 'Box' });
        return {
          renamed: await miro.board.getById(urgent.id),
          onShape: await fail(miro.board.createShape({ content: 'Tagged', tagIds: [urgent.id] })),
          unknown: await fail(miro.board.createStickyNote({ content: 'Ghost tag', tagIds: ['3074457350000000000'] })),
          tooMany: await fail(miro.board.createStickyNote({ tagIds: Array.from({ length: 9 }, () => urgent.id + '0') })),
        };
      }`,
    );
    expect(result).toMatchObject({
      renamed: { type: 'tag', title: 'Now', color: 'dark_gray' },
      onShape: { code: 'invalidParameters' },
      unknown: { code: 'notFound', message: 'Tag 3074457350000000000 was not found on this board.' },
      tooMany: { code: 'invalidParameters' },
    });
    const restTags = await rest('/tags');
    expect(restTags.data.map((tag: { title: string; fillColor: string }) => [tag.title, tag.fillColor])).toEqual([
      ['Now', 'dark_gray'],
    ]);
    // The refused notes were not written; the card lost the removed tag.
    const notes = (await rest('/items?type=sticky_note&limit=50')).data;
    expect(notes.map((n: { data: { content: string } }) => n.data.content)).toEqual(['Call the venue']);
    await expect
      .poll(() => page.getByRole('group', { name: 'Card: Order badges (tags: Now)' }).count(), { timeout: 10_000 })
      .toBe(1);
  });
  it('brings items to the front and sends them to the back, in the board drawing and after a reload', async () => {
    // Three overlapping notes, made one after the other (the test's clock moves between them).
    const ids: string[] = [];
    for (const content of ['Bottom', 'Middle', 'Top']) {
      t.clock.advance(1000);
      const note = await inApp<{ id: string }>(
        `(miro, content) => miro.board.createStickyNote({ content, x: 2000, y: 2000 + ${ids.length * 20} })`,
        content,
      );
      ids.push((note as { id: string }).id);
    }
    const [bottom, middle, top] = ids as [string, string, string];
    const drawn = () =>
      page
        .locator('#world > .item')
        .evaluateAll(
          (els, wanted) => els.map((el) => (el as HTMLElement).dataset.itemId).filter((id) => wanted.includes(id!)),
          ids,
        );
    await expect.poll(drawn).toEqual([bottom, middle, top]);
    expect(
      await inApp(
        `async (miro, [bottom, top]) => {
        const [b] = await miro.board.get({ id: bottom });
        await b.bringToFront();
        await miro.board.sendToBack({ id: top });
        return 'ok';
      }`,
        [bottom, top],
      ),
    ).toBe('ok');
    await expect.poll(drawn).toEqual([top, middle, bottom]);
    // Stored: a reload draws the same order. The REST API still lists by creation.
    await page.reload();
    await expect.poll(drawn).toEqual([top, middle, bottom]);
    const listed = (await rest('/items?type=sticky_note&limit=50')).data.map((i: { id: string }) => i.id);
    expect(listed.filter((id: string) => ids.includes(id))).toEqual([bottom, middle, top]);
    // An item not on the board is a 404; nothing moves.
    const missing = await inApp(`(miro) => miro.board.bringToFront({ id: '3074457350000000001' }).then(() => 'moved')`);
    expect(missing).toEqual({
      error: { code: 'notFound', message: 'Item 3074457350000000001 was not found on this board.' },
    });
  });
  it('creates an image by data URL, stored as its file, that the board draws and the REST API serves', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="#12b886"/></svg>';
    const url = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const image = (await inApp<{ id: string; url: string }>(
      '(miro, url) => miro.board.createImage({ url, title: "Green bar", x: -600, y: 0, width: 160 })',
      url,
    )) as { id: string; url: string };
    const path = new URL(image.url).pathname;
    expect(path).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/);
    const rest = (await api.call('GET', `/v2/boards/${enc(boardId)}/images/${image.id}`)).json();
    expect(rest.data.imageUrl).toBe(image.url);
    const picture = page.locator(`[data-item-id="${image.id}"] img.item-picture`);
    await expect.poll(() => picture.getAttribute('src')).toBe(path);
    // Loaded and painted from the board's own origin.
    await expect.poll(() => picture.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(80);
    expect(await page.getByRole('group', { name: 'Image: Green bar' }).count()).toBe(1);
  });
  it('tells the app that made an app card of clicks on its open icon and its status, and no other app', async () => {
    const listen = `(miro) => {
      window.heard = [];
      const note = (name) => ({ appCard }) => window.heard.push(name + ':' + appCard.id + ':' + appCard.type);
      return Promise.all([
        miro.board.ui.on('app_card:open', note('open')),
        miro.board.ui.on('app_card:connect', async (event) => {
          note('connect')(event);
          event.appCard.status = 'connected';
          await event.appCard.sync();
        }),
      ]).then(() => 'listening');
    }`;
    expect(await inApp(listen)).toBe('listening');
    expect(await inApp(listen, undefined, '/?other')).toBe('listening');
    const card = (await inApp<{ id: string }>(
      `(miro) => miro.board.createAppCard({ title: 'Ticket 42', status: 'disconnected', x: 0, y: 900 })`,
    )) as { id: string };
    await page.getByRole('button', { name: 'Open Ticket 42 in its app' }).click();
    await page.getByRole('button', { name: 'Status of Ticket 42: disconnected, connect' }).click();
    const heard = (which: string) => frame(which).evaluate(() => (window as unknown as { heard: string[] }).heard);
    await expect.poll(() => heard('/')).toEqual([`open:${card.id}:app_card`, `connect:${card.id}:app_card`]);
    // The app connected the card in its handler: the REST API sees it, and the board shows it.
    await expect
      .poll(async () => (await api.call('GET', `/v2/boards/${enc(boardId)}/app_cards/${card.id}`)).json().data.status)
      .toBe('connected');
    await expect
      .poll(() => page.getByRole('button', { name: 'Status of Ticket 42: connected' }).isDisabled())
      .toBe(true);
    // The other app, listening on the same board, heard nothing of a card it did not make.
    expect(await heard('/?other')).toEqual([]);
  });
  it('answers the namespaces Grantboard does not do with Miro’s “not supported” error at once, never a hang', async () => {
    const answers = await inApp<SdkError[]>(`(miro) => {
      const calls = [
        () => miro.board.timer.start(60000),
        () => miro.board.collaboration.startSession({ name: 'x' }),
        () => miro.board.storage.collection('votes'),
        () => miro.board.experimental.createMindmapNode({}),
        () => miro.board.events.broadcast('x', {}),
        () => miro.board.createPreview({ url: 'https://example.com' }),
      ];
      return Promise.all(calls.map((call) => call().then(() => ({ message: 'answered' }), (e) => ({ message: e.message, code: e.code }))));
    }`);
    expect(answers).toEqual(
      [
        'timer.start',
        'collaboration.startSession',
        'storage.collection',
        'experimental.createMindmapNode',
        'events.broadcast',
        'createPreview',
      ].map((name) => ({ message: `Method '${name}' is not supported`, code: 'notSupported' })),
    );
    // The bridge still answers afterwards.
    expect(await inApp('(miro) => miro.board.getInfo().then((info) => info.id)')).toBe(boardId);
  });

  it('shows no script errors on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
