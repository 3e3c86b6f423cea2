import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, apiAs, caller, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { obtainTokens } from './helpers/oauth.js';

const NOW = '2026-11-29T12:00:00.000Z';
const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('cards, app cards, images, embeds, documents and doc formats on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Kinds'));
  });
  afterAll(() => t?.close());

  const provenance = () => {
    const author = { id: t.seed.alice.id, type: 'user' };
    return { createdAt: NOW, createdBy: author, modifiedAt: NOW, modifiedBy: author };
  };
  const canvas = { x: 0, y: 0, origin: 'center', relativeTo: 'canvas_center' };

  it('creates a card with Miro’s defaults and updates only what is sent', async () => {
    const response = await alice.call('POST', `${path}/cards`);
    expect(response.statusCode).toBe(201);
    const card = response.json();
    expect(card).toEqual({
      id: card.id,
      type: 'card',
      data: { title: '', description: '' },
      style: { cardTheme: '#2d9bf0' },
      position: canvas,
      geometry: { width: 320, height: 94, rotation: 0 },
      ...provenance(),
      links: { self: `${BASE}/v2/boards/${enc(board)}/cards/${card.id}` },
    });
    const updated = await alice.call('PATCH', `${path}/cards/${card.id}`, {
      data: { title: 'Ship it', assigneeId: t.seed.bob.id, dueDate: '2026-12-24T10:00:00Z' },
      geometry: { rotation: 90 },
    });
    expect(updated.json()).toMatchObject({
      data: { title: 'Ship it', description: '', assigneeId: t.seed.bob.id, dueDate: '2026-12-24T10:00:00Z' },
      style: { cardTheme: '#2d9bf0' },
      geometry: { width: 320, height: 94, rotation: 90 },
    });
    const generic = (await alice.call('GET', `${path}/items/${card.id}`)).json();
    expect(generic.type).toBe('card');
    expect(generic.links.self).toBe(`${BASE}/v2/boards/${enc(board)}/items/${card.id}`);
  });

  it('tags cards as it tags sticky notes, and refuses tags on other types', async () => {
    const card = (await alice.call('POST', `${path}/cards`)).json().id;
    const image = (await alice.call('POST', `${path}/images`, { data: { url: 'https://example.com/t.png' } })).json()
      .id;
    const tag = (await alice.call('POST', `${path}/tags`, { title: 'Card tag' })).json().id;
    expect((await alice.call('POST', `${path}/items/${card}?tag_id=${tag}`)).statusCode).toBe(204);
    expect(
      (await alice.call('GET', `${path}/items/${card}/tags`)).json().tags.map((x: { id: string }) => x.id),
    ).toEqual([tag]);
    expect(
      (await alice.call('GET', `${path}/items?tag_id=${tag}`)).json().data.map((x: { id: string }) => x.id),
    ).toEqual([card]);
    const refused = await alice.call('POST', `${path}/items/${image}?tag_id=${tag}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toBe(`Only cards and sticky notes take tags; item ${image} is of type image.`);
  });

  it('creates app cards with fields and a status, owned by the app that made them', async () => {
    const response = await alice.call('POST', `${path}/app_cards`, {
      data: {
        title: 'PR 12',
        fields: [{ value: 'open', iconShape: 'square', fillColor: '#2fa9e3' }],
        status: 'connected',
      },
    });
    expect(response.statusCode).toBe(201);
    const appCard = response.json();
    expect(appCard).toEqual({
      id: appCard.id,
      type: 'app_card',
      data: {
        title: 'PR 12',
        description: '',
        fields: [{ value: 'open', iconShape: 'square', fillColor: '#2fa9e3' }],
        status: 'connected',
        owned: true,
      },
      style: { fillColor: '#2d9bf0' },
      position: canvas,
      geometry: { width: 320, height: 94, rotation: 0 },
      ...provenance(),
      links: { self: `${BASE}/v2/boards/${enc(board)}/app_cards/${appCard.id}` },
    });
    const defaults = (await alice.call('POST', `${path}/app_cards`)).json();
    expect(defaults.data).toEqual({
      title: 'sample app card item',
      description: '',
      fields: [],
      status: 'disconnected',
      owned: true,
    });
    // Another app reading the same card does not own it.
    const tokens = await obtainTokens(t, { app: t.seed.nonExpiringApp, scopes: ['boards:read'] });
    const other = caller(t, tokens.access_token);
    expect((await other.call('GET', `${path}/app_cards/${appCard.id}`)).json().data.owned).toBe(false);
    const refused = await alice.call('POST', `${path}/app_cards`, { data: { status: 'asleep' } });
    expect(refused.json().context.fields).toEqual([
      { in: 'body', field: 'data.status', message: 'must be one of: disconnected, connected, disabled' },
    ]);
  });

  it('stores images, documents and embeds by URL without fetching them, keeping their proportions', async () => {
    const image = (
      await alice.call('POST', `${path}/images`, {
        data: { url: 'https://example.com/a.png', title: 'A' },
        geometry: { width: 640 },
      })
    ).json();
    expect(image).toEqual({
      id: image.id,
      type: 'image',
      data: { imageUrl: 'https://example.com/a.png', title: 'A' },
      position: canvas,
      geometry: { width: 640, height: 640, rotation: 0 },
      ...provenance(),
      links: { self: `${BASE}/v2/boards/${enc(board)}/images/${image.id}` },
    });
    const resized = (await alice.call('PATCH', `${path}/images/${image.id}`, { geometry: { height: 100 } })).json();
    expect(resized.geometry).toEqual({ width: 100, height: 100, rotation: 0 });

    const document = (
      await alice.call('POST', `${path}/documents`, { data: { url: 'https://example.com/a.pdf' } })
    ).json();
    expect(document).toMatchObject({
      type: 'document',
      data: { documentUrl: 'https://example.com/a.pdf', title: '' },
      geometry: { width: 320, height: 453, rotation: 0 },
      links: { self: `${BASE}/v2/boards/${enc(board)}/documents/${document.id}` },
    });
    const renamed = (
      await alice.call('PATCH', `${path}/documents/${document.id}`, {
        data: { title: 'Spec', url: 'https://example.com/b.pdf' },
      })
    ).json();
    expect(renamed.data).toEqual({ documentUrl: 'https://example.com/b.pdf', title: 'Spec' });

    const embed = (
      await alice.call('POST', `${path}/embeds`, {
        data: { url: 'https://video.example/watch?v=1', previewUrl: 'https://video.example/1.jpg' },
      })
    ).json();
    expect(embed).toMatchObject({
      type: 'embed',
      data: { url: 'https://video.example/watch?v=1', previewUrl: 'https://video.example/1.jpg', mode: 'inline' },
      geometry: { width: 400, height: 225 },
    });
    expect(embed.style).toBeUndefined();
    const rotated = await alice.call('PATCH', `${path}/embeds/${embed.id}`, { geometry: { rotation: 4 } });
    expect(rotated.json().context.fields).toEqual([
      { in: 'body', field: 'geometry.rotation', message: 'is not a known field' },
    ]);
  });

  it('never requests the URLs it stores', async () => {
    let requests = 0;
    const server = createServer((_, response) => {
      requests++;
      response.end('<html></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const made = [
        await alice.call('POST', `${path}/images`, { data: { url: `${url}/i.png` } }),
        await alice.call('POST', `${path}/documents`, { data: { url: `${url}/d.pdf` } }),
        await alice.call('POST', `${path}/embeds`, { data: { url: `${url}/e`, previewUrl: `${url}/p.png` } }),
        await alice.call('POST', `${path}/app_cards`, { data: { fields: [{ iconUrl: `${url}/icon.png` }] } }),
      ];
      expect(made.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
      for (const response of made) {
        expect((await alice.call('GET', `${path}/items/${response.json().id}`)).statusCode).toBe(200);
      }
      // A fetch made while creating or reading an item would have reached this server before the answer.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('creates, gets and deletes a doc format, with no size of its own', async () => {
    const doc = (
      await alice.call('POST', `${path}/docs`, { data: { contentType: 'markdown', content: '# Plan' } })
    ).json();
    expect(doc).toEqual({
      id: doc.id,
      type: 'doc_format',
      data: { contentType: 'markdown', content: '# Plan' },
      position: canvas,
      ...provenance(),
      links: { self: `${BASE}/v2/boards/${enc(board)}/docs/${doc.id}` },
    });
    expect((await alice.call('GET', `${path}/docs/${doc.id}`)).json()).toEqual(doc);
    expect((await alice.call('PATCH', `${path}/docs/${doc.id}`, {})).statusCode).toBe(404);
    expect((await alice.call('DELETE', `${path}/docs/${doc.id}`)).statusCode).toBe(204);
  });

  it('refuses bad input in Miro’s envelope and writes nothing', async () => {
    const before = await t.repos.items.count(board);
    const cases: [string, unknown, string][] = [
      ['images', {}, 'data'],
      ['images', { data: { url: 'javascript:alert(1)' } }, 'data.url'],
      ['images', { data: { url: `https://example.com/${'a'.repeat(2100)}` } }, 'data.url'],
      ['images', { data: { url: 'https://example.com/a.png' }, geometry: { width: 100, height: 100 } }, 'geometry'],
      ['documents', { data: { url: 'ftp://example.com/a.pdf' } }, 'data.url'],
      ['embeds', { data: { url: 'https://e.example', mode: 'popup' } }, 'data.mode'],
      ['embeds', { data: { url: 'https://e.example', previewUrl: 'file:///etc/passwd' } }, 'data.previewUrl'],
      ['cards', { data: { dueDate: 'tomorrow' } }, 'data.dueDate'],
      ['cards', { data: { assigneeId: 'bob' } }, 'data.assigneeId'],
      ['cards', { style: { cardTheme: 'blue' } }, 'style.cardTheme'],
      ['cards', { data: { title: 'x', colour: 'red' } }, 'data.colour'],
      ['app_cards', { data: { fields: [{ iconUrl: 'http://x', shape: 1 }] } }, 'data.fields.0.shape'],
      ['docs', { data: { contentType: 'html', content: '<p>' } }, 'data.contentType'],
      ['docs', { data: { contentType: 'markdown' } }, 'data.content'],
    ];
    for (const [collection, body, field] of cases) {
      const response = await alice.call('POST', `${path}/${collection}`, body);
      expect(response.statusCode, `${collection} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      const error = response.json();
      expect(error).toMatchObject({ status: 400, code: 'invalidParameters', type: 'error' });
      expect(
        error.context.fields.map((f: { field: string }) => f.field),
        JSON.stringify(error),
      ).toContain(field);
    }
    expect(await t.repos.items.count(board)).toBe(before);
    // An assignee is a user who exists: on create, in a bulk create, and on update.
    const nobody = '3458764000000000001';
    const unassigned = await alice.call('POST', `${path}/cards`, { data: { assigneeId: nobody } });
    expect(unassigned.json()).toEqual(
      errorBody(400, 'invalidParameters', `There is no user ${nobody} to assign the card to.`, {
        fields: [
          { in: 'body', field: 'data.assigneeId', message: `There is no user ${nobody} to assign the card to.` },
        ],
      }),
    );
    const bulk = await alice.call('POST', `${path}/items/bulk`, [
      { type: 'card', data: { assigneeId: t.seed.bob.id } },
      { type: 'card', data: { assigneeId: nobody } },
    ]);
    expect(bulk.statusCode).toBe(400);
    expect(bulk.json().context.fields[0].field).toBe('[1].data.assigneeId');
    expect(await t.repos.items.count(board)).toBe(before);
    const card = (await alice.call('POST', `${path}/cards`)).json().id;
    const reassigned = await alice.call('PATCH', `${path}/cards/${card}`, { data: { assigneeId: nobody } });
    expect(reassigned.statusCode).toBe(400);
    expect((await alice.call('GET', `${path}/cards/${card}`)).json().data.assigneeId).toBeUndefined();
    expect((await alice.call('GET', `${path}/images/${card}`)).json()).toEqual(
      errorBody(404, 'notFound', `Image ${card} was not found on this board.`),
    );
  });

  it('places items in a frame and lists a frame’s items', async () => {
    const frame = (await alice.call('POST', `${path}/frames`, { data: { title: 'F' } })).json().id;
    const inside = [];
    for (const [collection, body] of [
      ['cards', {}],
      ['images', { data: { url: 'https://example.com/i.png' } }],
      ['sticky_notes', {}],
    ] as const) {
      t.clock.advance(1);
      const made = (
        await alice.call('POST', `${path}/${collection}`, { ...body, parent: { id: frame }, position: { x: 5, y: 6 } })
      ).json();
      expect(made.parent).toEqual({ id: frame, links: { self: `${BASE}/v2/boards/${enc(board)}/items/${frame}` } });
      expect(made.position).toEqual({ x: 5, y: 6, origin: 'center', relativeTo: 'parent_top_left' });
      inside.push(made.id);
    }
    await alice.call('POST', `${path}/cards`);
    const listed = (await alice.call('GET', `${path}/items?parent_item_id=${frame}`)).json();
    expect(listed).toMatchObject({ total: 3, size: 3, limit: 10, type: 'cursor-list' });
    expect(listed.data.map((i: { id: string }) => i.id)).toEqual(inside);
    expect(listed.data.every((i: { parent: { id: string } }) => i.parent.id === frame)).toBe(true);
    expect(listed.links.self).toBe(`${BASE}/v2/boards/${enc(board)}/items?parent_item_id=${frame}&limit=10`);
    const cards = (await alice.call('GET', `${path}/items?parent_item_id=${frame}&type=card`)).json();
    expect(cards.data.map((i: { id: string }) => i.id)).toEqual([inside[0]]);
    const card = inside[0];
    expect((await alice.call('GET', `${path}/items?parent_item_id=${card}`)).json()).toEqual(
      errorBody(404, 'notFound', `Frame ${card} was not found on this board.`),
    );
    expect((await alice.call('GET', `${path}/items?parent_item_id=abc`)).statusCode).toBe(400);
    const reader = await apiAs(t, { scopes: ['boards:read'] });
    expect((await reader.call('GET', `${path}/items?parent_item_id=${frame}`)).statusCode).toBe(200);
  });
});
