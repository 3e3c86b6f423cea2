import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, createBoard, createSticky, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const NOW = '2026-11-29T12:00:00.000Z';
const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('items API on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Items'));
  });
  afterAll(() => t?.close());

  describe('sticky notes', () => {
    it('creates one with Miro’s defaults', async () => {
      const response = await alice.call('POST', `${path}/sticky_notes`, { data: { content: 'Hello' } });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.id).toMatch(/^\d{19}$/);
      const author = { id: t.seed.alice.id, type: 'user' };
      expect(body).toEqual({
        id: body.id,
        type: 'sticky_note',
        data: { content: 'Hello', shape: 'square' },
        style: { fillColor: 'light_yellow', textAlign: 'center', textAlignVertical: 'top' },
        position: { x: 0, y: 0, origin: 'center', relativeTo: 'canvas_center' },
        geometry: { width: 199, height: 228 },
        createdAt: NOW,
        createdBy: author,
        modifiedAt: NOW,
        modifiedBy: author,
        links: { self: `${BASE}/v2/boards/${enc(board)}/sticky_notes/${body.id}` },
      });
    });

    it('keeps the shape’s proportions from a width or a height', async () => {
      const wide = await alice.call('POST', `${path}/sticky_notes`, {
        data: { shape: 'rectangle' },
        geometry: { width: 700 },
        position: { x: 10.5, y: -20 },
      });
      expect(wide.json()).toMatchObject({
        geometry: { width: 700, height: 456 },
        position: { x: 10.5, y: -20 },
      });
      const tall = await alice.call('POST', `${path}/sticky_notes`, { geometry: { height: 456 } });
      expect(tall.json().geometry).toEqual({ width: 398, height: 456 });
    });

    it('refuses width and height together, and writes nothing', async () => {
      const before = await t.repos.items.count(board);
      const response = await alice.call('POST', `${path}/sticky_notes`, { geometry: { width: 200, height: 200 } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(
        errorBody(
          400,
          'invalidParameters',
          'Set either geometry.width or geometry.height of a sticky note, not both.',
          {
            fields: [
              {
                in: 'body',
                field: 'geometry',
                message: 'Set either geometry.width or geometry.height of a sticky note, not both.',
              },
            ],
          },
        ),
      );
      expect(await t.repos.items.count(board)).toBe(before);
    });

    it('gets, updates only what is named, and deletes', async () => {
      const id = await createSticky(alice, board, { data: { content: 'v1' }, style: { fillColor: 'blue' } });
      const got = await alice.call('GET', `${path}/sticky_notes/${id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toMatchObject({ id, data: { content: 'v1' }, style: { fillColor: 'blue' } });
      t.clock.advance(5000);
      const patched = await alice.call('PATCH', `${path}/sticky_notes/${id}`, {
        data: { content: 'v2', shape: 'rectangle' },
        position: { x: 5 },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        data: { content: 'v2', shape: 'rectangle' },
        style: { fillColor: 'blue', textAlign: 'center', textAlignVertical: 'top' },
        position: { x: 5, y: 0 },
        // The width stays; the height follows the new shape.
        geometry: { width: 199, height: 129.63 },
        createdAt: NOW,
        modifiedAt: '2026-11-29T12:00:05.000Z',
      });
      expect((await alice.call('DELETE', `${path}/sticky_notes/${id}`)).statusCode).toBe(204);
      const gone = await alice.call('GET', `${path}/sticky_notes/${id}`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toEqual(errorBody(404, 'notFound', `Sticky note ${id} was not found on this board.`));
    });

    it('validates colours, shapes, alignment and unknown fields', async () => {
      const response = await alice.call('POST', `${path}/sticky_notes`, {
        data: { content: 'x', shape: 'circle' },
        style: { fillColor: 'purple', textAlignVertical: 'center' },
        extra: true,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().context.fields.map((f: { field: string }) => f.field)).toEqual([
        'extra',
        'data.shape',
        'style.fillColor',
        'style.textAlignVertical',
      ]);
    });
  });

  describe('texts and frames', () => {
    it('creates a text with defaults and a height that follows its content', async () => {
      const response = await alice.call('POST', `${path}/texts`, {
        data: { content: 'Title' },
        geometry: { width: 200 },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({
        type: 'text',
        data: { content: 'Title' },
        style: {
          color: '#1a1a1a',
          fillColor: 'transparent',
          fillOpacity: '1.0',
          fontFamily: 'arial',
          fontSize: '14',
          textAlign: 'left',
        },
        geometry: { width: 200, height: 19.6, rotation: 0 },
        links: { self: `${BASE}/v2/boards/${enc(board)}/texts/${body.id}` },
      });
      const patched = await alice.call('PATCH', `${path}/texts/${body.id}`, {
        data: { content: 'Title\nSubtitle' },
        style: { fontSize: '20' },
      });
      expect(patched.json().geometry).toEqual({ width: 200, height: 56, rotation: 0 });
    });

    it('requires text content and refuses a text height', async () => {
      const response = await alice.call('POST', `${path}/texts`, { data: {}, geometry: { height: 10 } });
      expect(response.statusCode).toBe(400);
      expect(response.json().context.fields).toEqual([
        { in: 'body', field: 'data.content', message: 'is required' },
        { in: 'body', field: 'geometry.height', message: 'is not a known field' },
      ]);
    });

    it('creates a frame and puts a sticky note in it, relative to its top left', async () => {
      const frame = await alice.call('POST', `${path}/frames`, {
        data: { title: 'Sprint' },
        geometry: { width: 1000 },
      });
      expect(frame.statusCode).toBe(201);
      expect(frame.json()).toMatchObject({
        type: 'frame',
        data: { title: 'Sprint', format: 'custom', type: 'freeform', showContent: true },
        style: { fillColor: '#ffffffff' },
        geometry: { width: 1000, height: 450 },
      });
      const frameId = frame.json().id;
      const note = await alice.call('POST', `${path}/sticky_notes`, { parent: { id: frameId } });
      expect(note.json()).toMatchObject({
        position: { relativeTo: 'parent_top_left' },
        parent: { id: frameId, links: { self: `${BASE}/v2/boards/${enc(board)}/items/${frameId}` } },
      });
      // Frames do not nest, and a sticky note is no parent.
      const nested = await alice.call('PATCH', `${path}/items/${frameId}`, { parent: { id: frameId } });
      expect(nested.statusCode).toBe(400);
      expect(nested.json().message).toBe('A frame cannot be placed in a frame.');
      const badParent = await alice.call('POST', `${path}/texts`, {
        data: { content: 'x' },
        parent: { id: note.json().id },
      });
      expect(badParent.json().message).toBe(`Parent ${note.json().id} is not a frame on this board.`);
      // Deleting the frame leaves the note on the board.
      expect((await alice.call('DELETE', `${path}/frames/${frameId}`)).statusCode).toBe(204);
      const orphan = await alice.call('GET', `${path}/items/${note.json().id}`);
      expect(orphan.json().parent).toBeUndefined();
      expect(orphan.json().position.relativeTo).toBe('canvas_center');
    });

    it('creates a shape with Miro’s defaults, rotates it, and validates its style', async () => {
      const response = await alice.call('POST', `${path}/shapes`);
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({
        type: 'shape',
        data: { content: '', shape: 'rectangle' },
        style: {
          fillColor: '#ffffff',
          fillOpacity: '1.0',
          fontFamily: 'arial',
          fontSize: '14',
          borderColor: '#1a1a1a',
          borderWidth: '2.0',
          borderOpacity: '1.0',
          borderStyle: 'normal',
          color: '#1a1a1a',
          textAlign: 'center',
          textAlignVertical: 'top',
        },
        geometry: { width: 200, height: 200, rotation: 0 },
        links: { self: `${BASE}/v2/boards/${enc(board)}/shapes/${body.id}` },
      });
      const patched = await alice.call('PATCH', `${path}/shapes/${body.id}`, {
        data: { shape: 'star', content: 'Goal' },
        style: { borderStyle: 'dashed' },
        geometry: { rotation: 45, width: 300 },
      });
      expect(patched.json()).toMatchObject({
        data: { shape: 'star', content: 'Goal' },
        style: { borderStyle: 'dashed', fillColor: '#ffffff' },
        geometry: { width: 300, height: 200, rotation: 45 },
      });
      const bad = await alice.call('POST', `${path}/shapes`, {
        data: { shape: 'blob' },
        style: { borderWidth: '30', fillColor: 'red' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().context.fields.map((f: { field: string }) => f.field)).toEqual([
        'data.shape',
        'style.fillColor',
        'style.borderWidth',
      ]);
      const listed = (await alice.call('GET', `${path}/items?type=shape`)).json();
      expect(listed.data.map((i: { id: string }) => i.id)).toContain(body.id);
    });

    it('answers 404 when the typed endpoint does not match the item type', async () => {
      const id = await createSticky(alice, board);
      expect((await alice.call('GET', `${path}/texts/${id}`)).statusCode).toBe(404);
      expect((await alice.call('DELETE', `${path}/frames/${id}`)).statusCode).toBe(404);
      expect((await alice.call('GET', `${path}/sticky_notes/${id}`)).statusCode).toBe(200);
    });
  });

  describe('generic items', () => {
    let listBoard: string;
    const ids: string[] = [];
    beforeAll(async () => {
      listBoard = await createBoard(alice, { name: 'List' });
      for (let i = 0; i < 23; i++) {
        ids.push(await createSticky(alice, listBoard, { data: { content: `note ${i}` } }));
        if (i % 5 === 0) t.clock.advance(1);
      }
      const text = await alice.call('POST', `/v2/boards/${enc(listBoard)}/texts`, { data: { content: 'a text' } });
      ids.push(text.json().id);
    });

    it('pages by cursor in creation order with total always present', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const url = `/v2/boards/${enc(listBoard)}/items?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
        const body = (await alice.call('GET', url)).json();
        expect(body.total).toBe(24);
        expect(body.limit).toBe(10);
        expect(body.size).toBe(body.data.length);
        expect(body.type).toBe('cursor-list');
        seen.push(...body.data.map((i: { id: string }) => i.id));
        cursor = body.cursor;
        if (cursor) expect(body.links.next).toBe(`${BASE}/v2/boards/${enc(listBoard)}/items?limit=10&cursor=${cursor}`);
        else expect(body.links.next).toBeUndefined();
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      // Same-millisecond items are ordered by id: the exact order is creation time, then id.
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(seen.length).toBe(24);
    });

    it('filters by type, counting only that type', async () => {
      const texts = (await alice.call('GET', `/v2/boards/${enc(listBoard)}/items?type=text`)).json();
      expect(texts).toMatchObject({ total: 1, size: 1 });
      expect(texts.data[0]).toMatchObject({ type: 'text', data: { content: 'a text' } });
      expect(texts.data[0].style).toBeUndefined();
      const shapes = (await alice.call('GET', `/v2/boards/${enc(listBoard)}/items?type=shape`)).json();
      expect(shapes).toMatchObject({ total: 0, size: 0, data: [] });
      expect(shapes.cursor).toBeUndefined();
    });

    it('rejects cursors it did not issue, and limits outside 10..50', async () => {
      const bad = [
        'garbage',
        Buffer.from('123~abc').toString('base64url'),
        Buffer.from('1~2~3').toString('base64url'),
        'MTIzNDU2Nzg5MH4xMjM=',
        '%00',
      ];
      for (const cursor of bad) {
        const response = await alice.call(
          'GET',
          `/v2/boards/${enc(listBoard)}/items?cursor=${encodeURIComponent(cursor)}`,
        );
        expect(response.statusCode, cursor).toBe(400);
        expect(response.json().code).toBe('invalidParameters');
        expect(response.json().context.fields[0].field).toBe('cursor');
      }
      for (const limit of ['9', '51', 'ten', '1e1']) {
        const response = await alice.call('GET', `/v2/boards/${enc(listBoard)}/items?limit=${limit}`);
        expect(response.statusCode, limit).toBe(400);
      }
    });

    it('gets one, moves it, and deletes it through the generic endpoints', async () => {
      const id = ids[0]!;
      const got = (await alice.call('GET', `/v2/boards/${enc(listBoard)}/items/${id}`)).json();
      expect(got).toMatchObject({ id, type: 'sticky_note', data: { content: 'note 0', shape: 'square' } });
      const moved = await alice.call('PATCH', `/v2/boards/${enc(listBoard)}/items/${id}`, { position: { x: 1, y: 2 } });
      expect(moved.json().position).toEqual({ x: 1, y: 2, origin: 'center', relativeTo: 'canvas_center' });
      const typed = await alice.call('PATCH', `/v2/boards/${enc(listBoard)}/items/${id}`, { data: { content: 'no' } });
      expect(typed.statusCode).toBe(400);
      expect((await alice.call('DELETE', `/v2/boards/${enc(listBoard)}/items/${id}`)).statusCode).toBe(204);
      expect((await alice.call('GET', `/v2/boards/${enc(listBoard)}/items/${id}`)).statusCode).toBe(404);
    });

    it('404s items of another board', async () => {
      const other = await createBoard(alice, { name: 'Other' });
      const id = ids[1]!;
      expect((await alice.call('GET', `/v2/boards/${enc(other)}/items/${id}`)).statusCode).toBe(404);
      expect((await alice.call('DELETE', `/v2/boards/${enc(other)}/sticky_notes/${id}`)).statusCode).toBe(404);
      expect((await alice.call('GET', `/v2/boards/${enc(listBoard)}/items/${id}`)).statusCode).toBe(200);
    });
  });
});
