import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, createBoard, enc, startApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

describe.each(DIALECTS)('API under concurrent requests on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  beforeAll(async () => {
    ({ t, alice } = await startApi(dialect));
  });
  afterAll(() => t?.close());

  it('creates items in parallel, each once, all counted', async () => {
    const board = await createBoard(alice, { name: 'Parallel' });
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        alice.call('POST', `/v2/boards/${enc(board)}/sticky_notes`, { data: { content: `n${i}` } }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(30).fill(201));
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(30);
    const listed = (await alice.call('GET', `/v2/boards/${enc(board)}/items?limit=50`)).json();
    expect(listed.total).toBe(30);
    expect(new Set(listed.data.map((i: { id: string }) => i.id))).toEqual(ids);
  });

  it('answers writes racing a board deletion with 201 or 404, never 5xx, and leaves nothing behind', async () => {
    for (let round = 0; round < 3; round++) {
      const board = await createBoard(alice, { name: `Race ${round}` });
      const path = `/v2/boards/${enc(board)}`;
      const writes = Array.from({ length: 20 }, (_, i) =>
        i % 4 === 3
          ? alice.call('POST', `${path}/members`, { emails: ['bob@example.com'] })
          : alice.call('POST', `${path}/sticky_notes`, { data: { content: `${i}` } }),
      );
      const deletion = alice.call('DELETE', path);
      const statuses = (await Promise.all([...writes, deletion])).map((r) => r.statusCode);
      expect(
        statuses.every((status) => [201, 204, 404].includes(status)),
        statuses.join(),
      ).toBe(true);
      expect(statuses.at(-1)).toBe(204);
      expect(await t.repos.items.count(board)).toBe(0);
      expect((await t.repos.boardMembers.list(board, 50, 0)).total).toBe(0);
    }
  });

  it('answers notes racing their frame’s deletion with 201, 400 or 404, never 5xx', async () => {
    const board = await createBoard(alice, { name: 'Frames' });
    const path = `/v2/boards/${enc(board)}`;
    for (let round = 0; round < 3; round++) {
      const frame = (await alice.call('POST', `${path}/frames`, { data: {} })).json().id;
      const writes = Array.from({ length: 12 }, () =>
        alice.call('POST', `${path}/sticky_notes`, { parent: { id: frame } }),
      );
      const deletion = alice.call('DELETE', `${path}/frames/${frame}`);
      const statuses = (await Promise.all([...writes, deletion])).map((r) => r.statusCode);
      expect(
        statuses.every((status) => [201, 204, 400, 404].includes(status)),
        statuses.join(),
      ).toBe(true);
    }
    // No note points at a frame that is gone.
    const items = (await alice.call('GET', `${path}/items?limit=50`)).json();
    expect(items.data.filter((i: { parent?: unknown }) => i.parent !== undefined)).toEqual([]);
  });
});
