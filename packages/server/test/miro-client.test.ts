import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Miro, type MiroOptions } from '@mirohq/miro-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { issueCode } from './helpers/oauth.js';

type Fetch = (url: string, init?: unknown) => Promise<unknown>;
type State = Awaited<ReturnType<NonNullable<MiroOptions['storage']>['get']>>;

/**
 * The official client sends its token requests to https://api.miro.com whatever `basePath` says
 * (reference/miro-clients.md §1b). It calls `require('node-fetch').default` on every request, so the
 * test points that at the local server and refuses anything that is not loopback.
 */
function redirectNodeFetch(base: string): () => void {
  const nodeFetch = createRequire(import.meta.url)('node-fetch') as { default: Fetch };
  const real = nodeFetch.default;
  nodeFetch.default = (url: string, init?: unknown) => {
    const target = String(url).replace(/^https:\/\/api\.miro\.com/, base);
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(target)) throw new Error(`refusing non-loopback request to ${target}`);
    return real(target, init);
  };
  return () => {
    nodeFetch.default = real;
  };
}

describe.each(DIALECTS)('the official @mirohq/miro-api client on %s', (dialect) => {
  let t: TestApp;
  let miro: Miro;
  let restore: () => void;
  const states = new Map<string, State>();
  const storage: NonNullable<MiroOptions['storage']> = {
    get: async (userId) => states.get(String(userId)),
    set: async (userId, state) => {
      states.set(String(userId), state as State);
    },
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    restore = redirectNodeFetch(base);
    miro = new Miro({
      clientId: t.seed.expiringApp.id,
      clientSecret: t.seed.expiringSecret,
      redirectUrl: REDIRECT_URI,
      storage,
      basePath: base,
    });
    // The client's own code exchange, against the local token endpoint.
    await miro.exchangeCodeForAccessToken('app-user', await issueCode(t));
  });
  afterAll(async () => {
    restore?.();
    await t?.close();
  });

  it('holds a token for the right user after its own code exchange', async () => {
    expect(states.get('app-user')).toMatchObject({ userId: t.seed.alice.id, refreshToken: expect.any(String) });
    const info = await miro.as('app-user').tokenInfo();
    expect(info).toMatchObject({
      type: 'oAuthToken',
      team: { id: t.seed.teamId, name: 'Design', type: 'team' },
      user: { id: t.seed.alice.id, name: 'Alice', type: 'user' },
      scopes: ['boards:read', 'boards:write'],
    });
  });

  it('creates 60 boards and pages through all of them with getAllBoards()', async () => {
    const api = miro.as('app-user');
    const created: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const boards = await Promise.all(
        Array.from({ length: 10 }, (_, i) => api.createBoard({ name: `Board ${batch * 10 + i}` })),
      );
      created.push(...boards.map((board) => board.id));
    }
    const listed: string[] = [];
    for await (const board of api.getAllBoards()) listed.push(board.id);
    expect(listed).toHaveLength(60);
    expect(new Set(listed)).toEqual(new Set(created));
    const filtered: string[] = [];
    for await (const board of api.getAllBoards({ query: 'Board 5' })) filtered.push(board.name);
    expect(filtered.sort()).toEqual([
      'Board 5',
      'Board 50',
      'Board 51',
      'Board 52',
      'Board 53',
      'Board 54',
      'Board 55',
      'Board 56',
      'Board 57',
      'Board 58',
      'Board 59',
    ]);
  });

  it('creates sticky notes and pages through them with getAllItems()', async () => {
    const api = miro.as('app-user');
    const board = await api.createBoard({ name: 'Stickies' });
    expect(board.id).toMatch(/=$/);
    // The client percent-encodes the id; the board comes back the same.
    const same = await api.getBoard(board.id);
    expect(same.name).toBe('Stickies');
    expect(same.createdAt).toBeInstanceOf(Date);
    const notes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const note = await same.createStickyNoteItem({
        data: { content: `note ${i}`, shape: 'square' },
        style: { fillColor: 'light_yellow' },
        position: { x: i * 10, y: 0 },
      });
      notes.push(note.id);
    }
    await same.createTextItem({ data: { content: 'a text' } });
    await same.createShapeItem({ data: { shape: 'circle', content: 'o' } });
    const all: { id: string; type: string }[] = [];
    for await (const item of same.getAllItems()) all.push({ id: item.id, type: item.type });
    expect(all).toHaveLength(27);
    expect(
      all
        .filter((item) => item.type !== 'sticky_note')
        .map((item) => item.type)
        .sort(),
    ).toEqual(['shape', 'text']);
    expect(
      all
        .filter((item) => item.type === 'sticky_note')
        .map((item) => item.id)
        .sort(),
    ).toEqual([...notes].sort());
    const onlyNotes: string[] = [];
    for await (const item of same.getAllItems({ type: 'sticky_note', limit: '50' })) onlyNotes.push(item.id);
    expect(onlyNotes).toHaveLength(25);
  });

  it('gets, updates and deletes a sticky note, and a board', async () => {
    const api = miro.as('app-user');
    const board = await api.createBoard({ name: 'Edit me', description: 'before' });
    const created = await board.createStickyNoteItem({ data: { content: 'v1' } });
    const note = await board.getStickyNoteItem(created.id);
    expect(note.data?.content).toBe('v1');
    expect(note.style?.fillColor).toBe('light_yellow');
    await note.update({ data: { content: 'v2' }, style: { fillColor: 'blue' } });
    const updated = await board.getStickyNoteItem(created.id);
    expect(updated.data?.content).toBe('v2');
    expect(updated.style?.fillColor).toBe('blue');
    const generic = await board.getItem(created.id);
    expect(generic.type).toBe('sticky_note');
    await updated.delete();
    await expect(board.getStickyNoteItem(created.id)).rejects.toMatchObject({
      statusCode: 404,
      body: { status: 404, code: 'notFound', type: 'error' },
    });

    await board.update({ name: 'Edited', description: 'after' });
    expect((await api.getBoard(board.id)).name).toBe('Edited');
    const copy = await board.copy({ name: 'Copied' });
    expect(copy.name).toBe('Copied');
    await board.delete();
    await expect(api.getBoard(board.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('shares a board and lists its members', async () => {
    const api = miro.as('app-user');
    const board = await api.createBoard({ name: 'Shared' });
    // The high-level share() discards the invitation result; the members list shows it took.
    await board.share({ emails: ['bob@example.com', 'nobody@example.com'], role: 'editor' });
    const members: { id: string; role?: string | undefined }[] = [];
    for await (const member of board.getAllMembers()) members.push({ id: member.id, role: member.role });
    expect(members).toEqual([
      { id: t.seed.alice.id, role: 'owner' },
      { id: t.seed.bob.id, role: 'editor' },
    ]);
  });

  it('creates cards, app cards, embeds, images and documents by URL, and reads them back', async () => {
    const board = await miro.as('app-user').createBoard({ name: 'Kinds' });
    const card = await board.createCardItem({ data: { title: 'Task', dueDate: new Date('2026-12-24T10:00:00Z') } });
    expect(card.type).toBe('card');
    const readCard = await board.getCardItem(card.id);
    expect(readCard.data?.title).toBe('Task');
    expect(readCard.data?.dueDate).toEqual(new Date('2026-12-24T10:00:00Z'));
    await readCard.update({ data: { description: 'before the break' } });
    expect((await board.getCardItem(card.id)).data?.description).toBe('before the break');

    const appCard = await board.createAppCardItem({
      data: { title: 'PR', status: 'connected', fields: [{ value: 'open', iconShape: 'round' }] },
    });
    const readAppCard = await board.getAppCardItem(appCard.id);
    expect(readAppCard.data).toMatchObject({ title: 'PR', status: 'connected', owned: true });
    expect(readAppCard.data?.fields?.[0]?.value).toBe('open');

    const embed = await board.createEmbedItem({ data: { url: 'https://video.example/1', mode: 'modal' } });
    expect((await board.getEmbedItem(embed.id)).data).toMatchObject({ url: 'https://video.example/1', mode: 'modal' });
    const image = await board.createImageItem({ data: { url: 'https://example.com/a.png', title: 'A' } });
    expect((await board.getImageItem(image.id)).data).toMatchObject({ imageUrl: 'https://example.com/a.png' });
    const document = await board.createDocumentItem({ data: { url: 'https://example.com/a.pdf' } });
    expect((await board.getDocumentItem(document.id)).data?.documentUrl).toBe('https://example.com/a.pdf');
    await (await board.getImageItem(image.id)).delete();
    await expect(board.getImageItem(image.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('connects items, pages through connectors with getAllConnectors(), and loses them with an item', async () => {
    const board = await miro.as('app-user').createBoard({ name: 'Lines' });
    const hub = await board.createStickyNoteItem({ data: { content: 'hub' } });
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const other = await board.createShapeItem({ data: { content: `${i}` } });
      const connector = await board.createConnector({
        startItem: { id: hub.id, snapTo: 'right' },
        endItem: { id: other.id, position: { x: '0%', y: '50%' } },
        captions: [{ content: `${i}` }],
        style: { strokeStyle: 'dashed' },
      });
      made.push(connector.id);
    }
    const first = await board.getConnector(made[0]!);
    expect(first.startItem?.id).toBe(hub.id);
    expect(first.endItem?.position).toEqual({ x: '0%', y: '50%' });
    await first.update({ shape: 'straight' });
    expect((await board.getConnector(made[0]!)).shape).toBe('straight');
    const listed: string[] = [];
    for await (const connector of board.getAllConnectors()) listed.push(connector.id);
    expect(listed.sort()).toEqual([...made].sort());
    await hub.delete();
    const left: string[] = [];
    for await (const connector of board.getAllConnectors()) left.push(connector.id);
    expect(left).toEqual([]);
  });

  it('creates items in bulk, lists a frame’s items, and groups items', async () => {
    const api = miro.as('app-user');
    const board = await api.createBoard({ name: 'Bulk' });
    const frame = await board.createFrameItem({ data: { title: 'Frame' } });
    // The client's `ItemCreate` types `data` as every type's fields at once; the wire takes each type's own.
    const bulk = [
      { type: 'sticky_note', data: { content: 'a' }, parent: { id: frame.id } },
      { type: 'card', data: { title: 'b' }, parent: { id: frame.id } },
      { type: 'shape', data: { shape: 'circle' } },
    ] as unknown as Parameters<typeof api._api.createItems>[1];
    const created = await api._api.createItems(board.id, bulk);
    expect(created.response.status).toBe(201);
    const ids = created.body.data.map((item) => item.id);
    expect(created.body.data.map((item) => item.type)).toEqual(['sticky_note', 'card', 'shape']);
    const inFrame = await api._api.getItemsWithinFrame(board.id, frame.id);
    expect(inFrame.body.data?.map((item) => item.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(inFrame.body.total).toBe(2);

    // The client reads a group's `data` as its request shape (`data.data.items`), so it keeps the id
    // and type of the answer; the members show through getItemsByGroupId.
    const group = await api._api.createGroup(board.id, { data: { items: [ids[0]!, ids[2]!] } });
    expect(group.response.status).toBe(201);
    expect(group.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), type: 'group' });
    const read = await api._api.getGroupById(board.id, group.body.id!);
    expect(read.body.id).toBe(group.body.id);
    const all = await api._api.getAllGroups(board.id);
    expect(all.body.data?.map((g) => g.id)).toEqual([group.body.id]);
    const items = await api._api.getItemsByGroupId(board.id, group.body.id!);
    expect(items.body.total).toBe(2);
    await api._api.unGroup(board.id, group.body.id!);
    await expect(api._api.getGroupById(board.id, group.body.id!)).rejects.toMatchObject({ statusCode: 404 });
    const again = await api._api.createGroup(board.id, { data: { items: [ids[0]!, ids[1]!] } });
    await api._api.deleteGroup(board.id, again.body.id!, true);
    await expect(board.getStickyNoteItem(ids[0]!)).rejects.toMatchObject({ statusCode: 404 });
    expect((await board.getShapeItem(ids[2]!)).id).toBe(ids[2]);
  });

  it('refreshes through the local token endpoint when the token is due, and keeps working', async () => {
    const before = states.get('app-user')!;
    states.set('app-user', { ...before, tokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
    const info = await miro.as('app-user').tokenInfo();
    expect(info.user.id).toBe(t.seed.alice.id);
    expect(states.get('app-user')!.accessToken).not.toBe(before.accessToken);
  });
});
