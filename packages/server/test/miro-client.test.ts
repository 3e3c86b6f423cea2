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

  it('refreshes through the local token endpoint when the token is due, and keeps working', async () => {
    const before = states.get('app-user')!;
    states.set('app-user', { ...before, tokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
    const info = await miro.as('app-user').tokenInfo();
    expect(info.user.id).toBe(t.seed.alice.id);
    expect(states.get('app-user')!.accessToken).not.toBe(before.accessToken);
  });
});
