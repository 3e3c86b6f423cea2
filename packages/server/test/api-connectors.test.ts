import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, createBoard, createSticky, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const NOW = '2026-11-29T12:00:00.000Z';
const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('connectors API on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Connectors'));
  });
  afterAll(() => t?.close());

  const connectors = async (boardId = board) => (await t.repos.connectors.count(boardId)) as number;

  it('joins two items with Miro’s defaults, snapping automatically', async () => {
    const a = await createSticky(alice, board);
    const b = await createSticky(alice, board);
    const response = await alice.call('POST', `${path}/connectors`, { startItem: { id: a }, endItem: { id: b } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const author = { id: t.seed.alice.id, type: 'user' };
    expect(body).toEqual({
      id: body.id,
      type: 'connector',
      isSupported: true,
      shape: 'curved',
      startItem: { id: a, links: { self: `${BASE}/v2/boards/${enc(board)}/items/${a}` } },
      endItem: { id: b, links: { self: `${BASE}/v2/boards/${enc(board)}/items/${b}` } },
      captions: [],
      style: {
        color: '#1a1a1a',
        endStrokeCap: 'stealth',
        fontSize: '14',
        startStrokeCap: 'none',
        strokeColor: '#000000',
        strokeStyle: 'normal',
        strokeWidth: '1.0',
        textOrientation: 'aligned',
      },
      createdAt: NOW,
      createdBy: author,
      modifiedAt: NOW,
      modifiedBy: author,
      links: { self: `${BASE}/v2/boards/${enc(board)}/connectors/${body.id}` },
    });
    const read = await alice.call('GET', `${path}/connectors/${body.id}`);
    expect(read.json()).toEqual(body);
  });

  it('takes a side or a point for each end, a shape, captions and styles, and changes only what is sent', async () => {
    const a = await createSticky(alice, board);
    const b = (await alice.call('POST', `${path}/shapes`)).json().id;
    const c = (await alice.call('POST', `${path}/cards`)).json().id;
    const created = await alice.call('POST', `${path}/connectors`, {
      startItem: { id: a, snapTo: 'right' },
      endItem: { id: b, position: { x: '25%', y: '100%' } },
      shape: 'elbowed',
      captions: [{ content: '<p>yes</p>', position: '30%' }],
      style: { strokeColor: '#ff0000', strokeWidth: '3', endStrokeCap: 'filled_triangle' },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      shape: 'elbowed',
      startItem: { id: a, position: { x: '100%', y: '50%' } },
      endItem: { id: b, position: { x: '25%', y: '100%' } },
      captions: [{ content: '<p>yes</p>', position: '30%', textAlignVertical: 'middle' }],
      style: { strokeColor: '#ff0000', strokeWidth: '3', endStrokeCap: 'filled_triangle', color: '#1a1a1a' },
    });
    const id = created.json().id;
    t.clock.advance(1000);
    const updated = await alice.call('PATCH', `${path}/connectors/${id}`, {
      endItem: { id: c, snapTo: 'left' },
      style: { strokeStyle: 'dashed' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      shape: 'elbowed',
      startItem: { id: a, position: { x: '100%', y: '50%' } },
      endItem: { id: c, position: { x: '0%', y: '50%' } },
      captions: [{ content: '<p>yes</p>' }],
      style: { strokeColor: '#ff0000', strokeStyle: 'dashed' },
      modifiedAt: '2026-11-29T12:00:01.000Z',
    });
    expect((await alice.call('DELETE', `${path}/connectors/${id}`)).statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/connectors/${id}`)).json()).toEqual(
      errorBody(404, 'notFound', `Connector ${id} was not found on this board.`),
    );
  });

  it('pages through connectors with a cursor and a total', async () => {
    const own = await createBoard(alice, { name: 'Many lines' });
    const p = `/v2/boards/${enc(own)}`;
    const a = await createSticky(alice, own);
    const b = await createSticky(alice, own);
    const made: string[] = [];
    for (let i = 0; i < 13; i++) {
      t.clock.advance(1);
      made.push((await alice.call('POST', `${p}/connectors`, { startItem: { id: a }, endItem: { id: b } })).json().id);
    }
    const first = (await alice.call('GET', `${p}/connectors?limit=10`)).json();
    expect(first).toMatchObject({ total: 13, size: 10, limit: 10 });
    expect(first.links.next).toBe(`${BASE}${p}/connectors?limit=10&cursor=${first.cursor}`);
    const second = (await alice.call('GET', `${p}/connectors?limit=10&cursor=${first.cursor}`)).json();
    expect(second).toMatchObject({ total: 13, size: 3 });
    expect(second.cursor).toBeUndefined();
    expect([...first.data, ...second.data].map((c: { id: string }) => c.id)).toEqual(made);
  });

  it('deletes an item’s connectors with the item, and a board’s with the board', async () => {
    const own = await createBoard(alice, { name: 'Cascade' });
    const p = `/v2/boards/${enc(own)}`;
    const [a, b, c] = [await createSticky(alice, own), await createSticky(alice, own), await createSticky(alice, own)];
    await alice.call('POST', `${p}/connectors`, { startItem: { id: a }, endItem: { id: b } });
    await alice.call('POST', `${p}/connectors`, { startItem: { id: c }, endItem: { id: a } });
    const kept = (await alice.call('POST', `${p}/connectors`, { startItem: { id: b }, endItem: { id: c } })).json().id;
    expect(await connectors(own)).toBe(3);
    expect((await alice.call('DELETE', `${p}/items/${a}`)).statusCode).toBe(204);
    const left = (await alice.call('GET', `${p}/connectors`)).json();
    expect(left.data.map((x: { id: string }) => x.id)).toEqual([kept]);
    expect((await alice.call('DELETE', p)).statusCode).toBe(204);
    expect(await connectors(own)).toBe(0);
  });

  it('copies a board with its connectors and groups, joined to the copied items', async () => {
    const own = await createBoard(alice, { name: 'Original' });
    const p = `/v2/boards/${enc(own)}`;
    const [a, b, c] = [await createSticky(alice, own), await createSticky(alice, own), await createSticky(alice, own)];
    await alice.call('POST', `${p}/connectors`, { startItem: { id: a }, endItem: { id: b, snapTo: 'left' } });
    await alice.call('POST', `${p}/groups`, { data: { items: [b, c] } });
    const copy = (await alice.call('PUT', `/v2/boards?copy_from=${enc(own)}`, {})).json().id;
    const q = `/v2/boards/${enc(copy)}`;
    const items = (await alice.call('GET', `${q}/items`)).json().data.map((i: { id: string }) => i.id);
    expect(items).toHaveLength(3);
    const lines = (await alice.call('GET', `${q}/connectors`)).json().data;
    expect(lines).toHaveLength(1);
    expect(items).toContain(lines[0].startItem.id);
    expect(items).toContain(lines[0].endItem.id);
    expect(lines[0].endItem.position).toEqual({ x: '0%', y: '50%' });
    const groups = (await alice.call('GET', `${q}/groups`)).json().data;
    expect(groups).toHaveLength(1);
    expect(groups[0].data.items.every((id: string) => items.includes(id))).toBe(true);
    // The copy's lines are its own: deleting the original's item leaves them.
    await alice.call('DELETE', `${p}/items/${a}`);
    expect((await alice.call('GET', `${q}/connectors`)).json().total).toBe(1);
  });

  it('refuses bad ends in Miro’s envelope and writes nothing', async () => {
    const a = await createSticky(alice, board);
    const frame = (await alice.call('POST', `${path}/frames`, { data: {} })).json().id;
    const elsewhere = await createSticky(alice, await createBoard(alice, { name: 'Elsewhere' }));
    const before = await connectors();
    const cases: [unknown, string, string][] = [
      [{ startItem: { id: a }, endItem: { id: a } }, 'endItem.id', 'A connector joins two different items'],
      [{ startItem: { id: a }, endItem: { id: frame } }, 'endItem.id', 'a connector cannot end at a frame'],
      [{ startItem: { id: elsewhere }, endItem: { id: a } }, 'startItem.id', 'is not on this board'],
      [{ startItem: { id: '123' }, endItem: { id: a } }, 'startItem.id', 'is not on this board'],
      [
        { startItem: { id: a, snapTo: 'top', position: { x: '1%', y: '1%' } }, endItem: { id: frame } },
        'startItem',
        'not both',
      ],
      [
        { startItem: { id: a }, endItem: { id: elsewhere, position: { x: '101%', y: '0%' } } },
        'endItem.position.x',
        'to match',
      ],
      [{ startItem: { id: a }, endItem: { id: elsewhere, snapTo: 'middle' } }, 'endItem.snapTo', 'must be one of'],
      [{ startItem: { id: a } }, 'endItem', 'is required'],
      [{ startItem: { id: a }, endItem: { id: elsewhere }, colour: 'red' }, 'colour', 'is not a known field'],
      [
        { startItem: { id: a }, endItem: { id: elsewhere }, captions: Array(21).fill({ content: 'x' }) },
        'captions',
        'less or equal',
      ],
      [
        { startItem: { id: a }, endItem: { id: elsewhere }, captions: [{ content: 'x'.repeat(201) }] },
        'captions.0.content',
        'length',
      ],
      [
        { startItem: { id: a }, endItem: { id: elsewhere }, style: { strokeWidth: '25' } },
        'style.strokeWidth',
        'to match',
      ],
    ];
    for (const [body, field, message] of cases) {
      const response = await alice.call('POST', `${path}/connectors`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      const error = response.json();
      expect(error).toMatchObject({ status: 400, code: 'invalidParameters', type: 'error' });
      const fields = error.context.fields as { field: string; message: string }[];
      expect(
        fields.some((f) => f.field === field && f.message.includes(message)),
        JSON.stringify(error),
      ).toBe(true);
    }
    expect(await connectors()).toBe(before);
    const id = (
      await alice.call('POST', `${path}/connectors`, {
        startItem: { id: a },
        endItem: { id: await createSticky(alice, board) },
      })
    ).json().id;
    const moved = await alice.call('PATCH', `${path}/connectors/${id}`, { endItem: { id: elsewhere } });
    expect(moved.statusCode).toBe(400);
    expect((await alice.call('GET', `${path}/connectors/${id}`)).json().endItem.id).not.toBe(elsewhere);
  });

  it('needs boards:write and an editor to change, boards:read to read', async () => {
    const a = await createSticky(alice, board);
    const b = await createSticky(alice, board);
    const id = (await alice.call('POST', `${path}/connectors`, { startItem: { id: a }, endItem: { id: b } })).json().id;
    const { apiAs } = await import('./helpers/api.js');
    const reader = await apiAs(t, { scopes: ['boards:read'] });
    expect((await reader.call('GET', `${path}/connectors/${id}`)).statusCode).toBe(200);
    const refused = await reader.call('DELETE', `${path}/connectors/${id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().context).toEqual({ requiredScopes: ['boards:write'] });
    const bob = await apiAs(t, { userId: t.seed.bob.id });
    expect((await bob.call('GET', `${path}/connectors/${id}`)).statusCode).toBe(404);
  });

  it('never leaves a connector to an item deleted in parallel', async () => {
    const own = await createBoard(alice, { name: 'Race' });
    const p = `/v2/boards/${enc(own)}`;
    for (let round = 0; round < 5; round++) {
      const hub = await createSticky(alice, own);
      const others = await Promise.all(Array.from({ length: 6 }, () => createSticky(alice, own)));
      const creates = others.flatMap((other) => [
        alice.call('POST', `${p}/connectors`, { startItem: { id: hub }, endItem: { id: other } }),
        alice.call('POST', `${p}/connectors`, { startItem: { id: other }, endItem: { id: hub, snapTo: 'top' } }),
      ]);
      const deletion = alice.call('DELETE', `${p}/sticky_notes/${hub}`);
      const statuses = (await Promise.all([...creates, deletion])).map((r) => r.statusCode);
      expect(
        statuses.every((s) => [200, 204, 400, 404].includes(s)),
        statuses.join(),
      ).toBe(true);
      expect(statuses.at(-1)).toBe(204);
      const listed = (await alice.call('GET', `${p}/connectors?limit=50`)).json();
      const dangling = listed.data.filter(
        (c: { startItem: { id: string }; endItem: { id: string } }) => c.startItem.id === hub || c.endItem.id === hub,
      );
      expect(dangling).toEqual([]);
      expect(await t.repos.items.find(own, hub)).toBeUndefined();
    }
  });
});
