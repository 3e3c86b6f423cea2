import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, createBoard, createSticky, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('groups and bulk create on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Groups'));
  });
  afterAll(() => t?.close());

  const stickies = (n: number, on = board) => Promise.all(Array.from({ length: n }, () => createSticky(alice, on)));

  it('groups items, reads, lists and regroups them, and ungroups without deleting them', async () => {
    const [a, b, c] = (await stickies(3)) as [string, string, string];
    const created = await alice.call('POST', `${path}/groups`, { data: { items: [a, b] } });
    expect(created.statusCode).toBe(201);
    const group = created.json();
    expect(group).toEqual({
      id: group.id,
      type: 'group',
      data: { items: [a, b] },
      links: { self: `${BASE}/v2/boards/${enc(board)}/groups/${group.id}` },
    });
    expect((await alice.call('GET', `${path}/groups/${group.id}`)).json()).toEqual(group);
    const updated = await alice.call('PUT', `${path}/groups/${group.id}`, { data: { items: [c, a] } });
    expect(updated.json().data.items).toEqual([c, a]);
    const items = (await alice.call('GET', `${path}/groups/items?group_item_id=${group.id}`)).json();
    expect(items).toMatchObject({ total: 2, size: 2, limit: 10, data: { id: group.id, type: 'group' } });
    expect(items.data.data.map((i: { id: string }) => i.id).sort()).toEqual([a, c].sort());
    const listed = (await alice.call('GET', `${path}/groups`)).json();
    expect(listed.data.map((g: { id: string }) => g.id)).toContain(group.id);
    expect((await alice.call('DELETE', `${path}/groups/${group.id}`)).statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/groups/${group.id}`)).json()).toEqual(
      errorBody(404, 'notFound', `Group ${group.id} was not found on this board.`),
    );
    for (const id of [a, b, c]) expect((await alice.call('GET', `${path}/items/${id}`)).statusCode).toBe(200);
  });

  it('deletes a group with its items, their connectors and tags, when asked', async () => {
    const own = await createBoard(alice, { name: 'Delete grouped' });
    const p = `/v2/boards/${enc(own)}`;
    const [a, b, outside] = (await stickies(3, own)) as [string, string, string];
    await alice.call('POST', `${p}/connectors`, { startItem: { id: a }, endItem: { id: outside } });
    const tag = (await alice.call('POST', `${p}/tags`, { title: 'T' })).json().id;
    await alice.call('POST', `${p}/items/${b}?tag_id=${tag}`);
    const group = (await alice.call('POST', `${p}/groups`, { data: { items: [a, b] } })).json().id;
    const kept = (
      await alice.call('POST', `${p}/groups`, { data: { items: [outside, await createSticky(alice, own)] } })
    ).json().id;
    expect((await alice.call('DELETE', `${p}/groups/${group}?delete_items=false`)).statusCode).toBe(204);
    expect(await t.repos.items.count(own)).toBe(4);
    const again = (await alice.call('POST', `${p}/groups`, { data: { items: [a, b] } })).json().id;
    expect((await alice.call('DELETE', `${p}/groups/${again}?delete_items=true`)).statusCode).toBe(204);
    expect(await t.repos.items.count(own)).toBe(2);
    expect((await alice.call('GET', `${p}/connectors`)).json().total).toBe(0);
    expect((await alice.call('GET', `${p}/items?tag_id=${tag}`)).json().total).toBe(0);
    expect((await alice.call('GET', `${p}/groups/${kept}`)).statusCode).toBe(200);
    // A group whose items are all deleted goes too.
    const [x, y] = (await stickies(2, own)) as [string, string];
    const emptied = (await alice.call('POST', `${p}/groups`, { data: { items: [x, y] } })).json().id;
    await alice.call('DELETE', `${p}/items/${x}`);
    expect((await alice.call('GET', `${p}/groups/${emptied}`)).json().data.items).toEqual([y]);
    await alice.call('DELETE', `${p}/items/${y}`);
    expect((await alice.call('GET', `${p}/groups/${emptied}`)).statusCode).toBe(404);
  });

  it('refuses bad groups in Miro’s envelope and writes nothing', async () => {
    const [a, b] = (await stickies(2)) as [string, string];
    const elsewhere = await createSticky(alice, await createBoard(alice, { name: 'Other' }));
    const taken = (await alice.call('POST', `${path}/groups`, { data: { items: [a, b] } })).json().id;
    const [c, d] = (await stickies(2)) as [string, string];
    const cases: [unknown, string, string][] = [
      [{ data: { items: [c] } }, 'data.items', 'expected array length to be greater or equal to 2'],
      [{ data: { items: [c, c] } }, 'data.items', 'data.items names an item twice.'],
      [{ data: { items: [c, elsewhere] } }, 'data.items', `Item ${elsewhere} is not on this board.`],
      [{ data: { items: [c, a] } }, 'data.items', `Item ${a} is already in group ${taken}.`],
      [{ data: { items: [c, 'x'] } }, 'data.items.1', 'expected string to match'],
      [{ items: [c, d] }, 'items', 'is not a known field'],
    ];
    for (const [body, field, message] of cases) {
      const response = await alice.call('POST', `${path}/groups`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      const fields = response.json().context.fields as { field: string; message: string }[];
      expect(
        fields.some((f) => f.field === field && f.message.startsWith(message)),
        JSON.stringify(fields),
      ).toBe(true);
    }
    expect((await t.repos.groups.groupsOf(board, [c, d])).size).toBe(0);
    expect((await alice.call('DELETE', `${path}/groups/${taken}?delete_items=maybe`)).statusCode).toBe(400);
    expect((await alice.call('GET', `${path}/groups/${taken}`)).statusCode).toBe(200);
  });

  it('creates up to 20 items of mixed types in one request, in a frame too', async () => {
    const frame = (await alice.call('POST', `${path}/frames`, { data: { title: 'F' } })).json().id;
    const response = await alice.call('POST', `${path}/items/bulk`, [
      { type: 'sticky_note', data: { content: 'one' }, position: { x: 10, y: 10 } },
      { type: 'card', data: { title: 'two' }, parent: { id: frame } },
      { type: 'shape', data: { shape: 'circle' }, style: { fillColor: '#ff0000' } },
      { type: 'text', data: { content: 'four' } },
      { type: 'image', data: { url: 'https://example.com/5.png' } },
    ]);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.type).toBe('list');
    expect(body.data.map((i: { type: string }) => i.type)).toEqual(['sticky_note', 'card', 'shape', 'text', 'image']);
    expect(body.data[1]).toMatchObject({
      data: { title: 'two' },
      parent: { id: frame },
      position: { relativeTo: 'parent_top_left' },
    });
    expect(body.data[2].style.fillColor).toBe('#ff0000');
    expect(body.data[0].links.self).toBe(`${BASE}/v2/boards/${enc(board)}/sticky_notes/${body.data[0].id}`);
    for (const item of body.data) expect((await alice.call('GET', `${path}/items/${item.id}`)).statusCode).toBe(200);
    const twenty = await alice.call(
      'POST',
      `${path}/items/bulk`,
      Array.from({ length: 20 }, () => ({ type: 'sticky_note' })),
    );
    expect(twenty.json().data).toHaveLength(20);
  });

  it('creates none of the items when one is bad, naming it by its place', async () => {
    const before = await t.repos.items.count(board);
    const cases: [unknown, string][] = [
      [[{ type: 'sticky_note' }, { type: 'sticky_note', geometry: { width: 10, height: 10 } }], '[1].geometry'],
      [[{ type: 'sticky_note' }, { type: 'text', data: { content: 'x', colour: 1 } }], '[1].data.colour'],
      [[{ type: 'text' }], '[0].data'],
      [[{ type: 'connector' }], '0.type'],
      [
        [
          { type: 'frame', data: {} },
          { type: 'card', parent: { id: '42' } },
        ],
        '[1].parent.id',
      ],
      [Array.from({ length: 21 }, () => ({ type: 'sticky_note' })), '(root)'],
      [[], '(root)'],
      [{ type: 'sticky_note' }, '(root)'],
    ];
    for (const [body, field] of cases) {
      const response = await alice.call('POST', `${path}/items/bulk`, body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 100)).toBe(400);
      const error = response.json();
      expect(error).toMatchObject({ status: 400, code: 'invalidParameters', type: 'error' });
      expect(
        error.context.fields.map((f: { field: string }) => f.field),
        JSON.stringify(error),
      ).toContain(field);
    }
    expect(await t.repos.items.count(board)).toBe(before);
  });

  it('leaves no item of a bulk create whose frame is deleted in parallel', async () => {
    const own = await createBoard(alice, { name: 'Bulk race' });
    const p = `/v2/boards/${enc(own)}`;
    for (let round = 0; round < 4; round++) {
      const frame = (await alice.call('POST', `${p}/frames`, { data: {} })).json().id;
      const before = await t.repos.items.count(own);
      const bulk = Array.from({ length: 6 }, () =>
        alice.call('POST', `${p}/items/bulk`, [
          { type: 'sticky_note' },
          { type: 'card', parent: { id: frame } },
          { type: 'sticky_note', parent: { id: frame } },
        ]),
      );
      const deletion = alice.call('DELETE', `${p}/frames/${frame}`);
      const responses = await Promise.all([...bulk, deletion]);
      const created = responses.slice(0, -1).filter((r) => r.statusCode === 201).length;
      expect(responses.map((r) => r.statusCode).every((s) => [201, 204, 400, 404].includes(s))).toBe(true);
      const items = (await alice.call('GET', `${p}/items?limit=50`)).json();
      expect(items.data.filter((i: { parent?: { id: string } }) => i.parent?.id === frame)).toEqual([]);
      // Every batch answered 201 is whole, and nothing of the others was written.
      expect(items.total).toBe(before - 1 + created * 3);
    }
  });
});
