import type { AddressInfo } from 'node:net';
import { MiroApi } from '@mirohq/miro-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, apiAs, createBoard, createSticky, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('tags on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  let miro: MiroApi;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Tagged'));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    miro = new MiroApi(alice.token, `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
  });
  afterAll(() => t?.close());

  it('creates, reads, lists, updates and deletes tags through the official client', async () => {
    const b = await miro.getBoard(board);
    const todo = await b.createTag({ title: 'to do' });
    expect({ title: todo.title, fillColor: todo.fillColor, type: todo.type }).toEqual({
      title: 'to do',
      fillColor: 'red',
      type: 'tag',
    });
    // Lists are in creation order; the test clock stands still unless moved.
    t.clock.advance(1);
    const done = await b.createTag({ title: 'done', fillColor: 'green' });
    expect((await b.getTag(done.id)).title).toBe('done');
    await done.update({ title: 'Done', fillColor: 'dark_green' });
    const titles: string[] = [];
    for await (const tag of b.getAllTags()) titles.push(`${tag.title}/${tag.fillColor}`);
    expect(titles).toEqual(['to do/red', 'Done/dark_green']);
    await done.delete();
    const remaining: string[] = [];
    for await (const tag of b.getAllTags()) remaining.push(tag.title ?? '');
    expect(remaining).toEqual(['to do']);
  });

  it('tags sticky notes, lists items by tag, and removes tags, through the official client', async () => {
    const b = await miro.getBoard(board);
    const urgent = await b.createTag({ title: 'urgent', fillColor: 'magenta' });
    const sticky = await b.createStickyNoteItem({ data: { content: 'tagged' } });
    const other = await b.createStickyNoteItem({ data: { content: 'untagged' } });
    await sticky.attachTag(urgent.id);
    await sticky.attachTag(urgent.id); // again: nothing changes
    expect((await sticky.getAllTags()).map((tag) => tag.title)).toEqual(['urgent']);
    const tagged: string[] = [];
    for await (const item of urgent.getAllTaggedItems()) tagged.push(item.id);
    expect(tagged).toEqual([sticky.id]);
    await sticky.removeTag(urgent.id);
    expect(await sticky.getAllTags()).toEqual([]);
    // Removing a tag removes neither the item nor the tag.
    expect((await b.getItem(sticky.id)).id).toBe(sticky.id);
    expect((await b.getTag(urgent.id)).title).toBe('urgent');
    expect((await b.getItem(other.id)).id).toBe(other.id);
  });

  it('answers the tag shapes exactly, with offset pages', async () => {
    const created = await alice.call('POST', `${path}/tags`, { title: 'shape', fillColor: 'cyan' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toEqual({
      id,
      type: 'tag',
      title: 'shape',
      fillColor: 'cyan',
      links: { self: `${BASE}/v2/boards/${enc(board)}/tags/${id}` },
    });
    const page = await alice.call('GET', `${path}/tags?limit=1&offset=1`);
    expect(page.json()).toMatchObject({ size: 1, offset: 1, limit: 1, type: 'list' });
    expect(page.json().data[0]).toEqual({
      id: expect.any(String),
      type: 'tag',
      title: expect.any(String),
      fillColor: expect.any(String),
    });
    expect(page.json().links.prev).toBe(`${BASE}/v2/boards/${enc(board)}/tags?limit=1&offset=0`);
    const sticky = await createSticky(alice, board);
    expect((await alice.call('POST', `${path}/items/${sticky}?tag_id=${id}`)).statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/items/${sticky}/tags`)).json()).toEqual({
      tags: [{ id, type: 'tag', title: 'shape', fillColor: 'cyan' }],
    });
    const byTag = (await alice.call('GET', `${path}/items?tag_id=${id}&limit=5`)).json();
    expect(byTag).toMatchObject({ total: 1, size: 1, offset: 0, limit: 5, type: 'list' });
    expect(byTag.data[0]).toMatchObject({ id: sticky, type: 'sticky_note' });
    expect(byTag.links.self).toBe(`${BASE}/v2/boards/${enc(board)}/items?tag_id=${id}&limit=5&offset=0`);
  });

  it('keeps titles unique on the board, case-sensitive, and validates fields', async () => {
    await alice.call('POST', `${path}/tags`, { title: 'Unique' });
    const again = await alice.call('POST', `${path}/tags`, { title: 'Unique' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual(
      errorBody(400, 'invalidParameters', "A tag titled 'Unique' is already on this board; titles are unique.", {
        fields: [
          { in: 'body', field: 'title', message: "A tag titled 'Unique' is already on this board; titles are unique." },
        ],
      }),
    );
    expect((await alice.call('POST', `${path}/tags`, { title: 'unique' })).statusCode).toBe(201);
    const other = (await alice.call('POST', `${path}/tags`, { title: 'Other' })).json().id;
    const rename = await alice.call('PATCH', `${path}/tags/${other}`, { title: 'Unique' });
    expect(rename.statusCode).toBe(400);
    expect((await alice.call('GET', `${path}/tags/${other}`)).json().title).toBe('Other');
    const bad = await alice.call('POST', `${path}/tags`, { title: 'x'.repeat(121), fillColor: 'pink', x: 1 });
    expect(bad.json().context.fields).toEqual([
      { in: 'body', field: 'x', message: 'is not a known field' },
      { in: 'body', field: 'title', message: 'expected string length less or equal to 120' },
      {
        in: 'body',
        field: 'fillColor',
        message:
          'must be one of: red, light_green, cyan, yellow, magenta, green, blue, gray, violet, dark_green, dark_blue, black',
      },
    ]);
    const missing = await alice.call('POST', `${path}/tags`, {});
    expect(missing.json().context.fields).toEqual([{ in: 'body', field: 'title', message: 'is required' }]);
  });

  it('takes at most 8 tags on an item, and tags only sticky notes for now', async () => {
    const sticky = await createSticky(alice, board);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await alice.call('POST', `${path}/tags`, { title: `n${i}` })).json().id);
    for (const id of ids.slice(0, 8))
      expect((await alice.call('POST', `${path}/items/${sticky}?tag_id=${id}`)).statusCode).toBe(204);
    const ninth = await alice.call('POST', `${path}/items/${sticky}?tag_id=${ids[8]}`);
    expect(ninth.statusCode).toBe(400);
    expect(ninth.json()).toEqual(
      errorBody(400, 'invalidParameters', 'An item can have at most 8 tags.', {
        fields: [{ in: 'query', field: 'tag_id', message: 'An item can have at most 8 tags.' }],
      }),
    );
    expect((await alice.call('GET', `${path}/items/${sticky}/tags`)).json().tags).toHaveLength(8);
    const text = (await alice.call('POST', `${path}/texts`, { data: { content: 't' } })).json().id;
    const onText = await alice.call('POST', `${path}/items/${text}?tag_id=${ids[8]}`);
    expect(onText.json()).toEqual(
      errorBody(400, 'invalidParameters', `Only cards and sticky notes take tags; item ${text} is a text.`),
    );
  });

  it('drops the links when the tag or the item is deleted', async () => {
    const tag = (await alice.call('POST', `${path}/tags`, { title: 'gone soon' })).json().id;
    const a = await createSticky(alice, board);
    const b = await createSticky(alice, board);
    await alice.call('POST', `${path}/items/${a}?tag_id=${tag}`);
    await alice.call('POST', `${path}/items/${b}?tag_id=${tag}`);
    expect((await alice.call('DELETE', `${path}/items/${a}`)).statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/items?tag_id=${tag}`)).json().total).toBe(1);
    expect((await alice.call('DELETE', `${path}/tags/${tag}`)).statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/items/${b}/tags`)).json()).toEqual({ tags: [] });
    expect((await alice.call('GET', `${path}/items/${b}`)).statusCode).toBe(200);
    expect((await alice.call('GET', `${path}/tags/${tag}`)).json()).toEqual(
      errorBody(404, 'notFound', `Tag ${tag} was not found on this board.`),
    );
  });

  it('answers unknown tags, items and untagged removals with 404, and the tag of another board too', async () => {
    const sticky = await createSticky(alice, board);
    const tag = (await alice.call('POST', `${path}/tags`, { title: 'mine' })).json().id;
    const notOn = await alice.call('DELETE', `${path}/items/${sticky}?tag_id=${tag}`);
    expect(notOn.json()).toEqual(errorBody(404, 'notFound', `Item ${sticky} does not have tag ${tag}.`));
    expect((await alice.call('GET', `${path}/items/${sticky}`)).statusCode).toBe(200);
    const second = await createBoard(alice, { name: 'Second' });
    const foreign = await alice.call('POST', `/v2/boards/${enc(second)}/items/${sticky}?tag_id=${tag}`);
    expect(foreign.json()).toEqual(errorBody(404, 'notFound', `Item ${sticky} was not found on this board.`));
    const other = await createSticky(alice, second);
    const crossed = await alice.call('POST', `/v2/boards/${enc(second)}/items/${other}?tag_id=${tag}`);
    expect(crossed.json()).toEqual(errorBody(404, 'notFound', `Tag ${tag} was not found on this board.`));
    const noTag = await alice.call('POST', `${path}/items/${sticky}`);
    expect(noTag.json().context.fields).toEqual([{ in: 'query', field: 'tag_id', message: 'is required' }]);
  });

  it('applies board roles and scopes: viewers read tags, only editors write them', async () => {
    const tag = (await alice.call('POST', `${path}/tags`, { title: 'roles' })).json().id;
    await alice.call('POST', `${path}/members`, { emails: ['bob@example.com'], role: 'viewer' });
    const bob = await apiAs(t, { userId: t.seed.bob.id });
    expect((await bob.call('GET', `${path}/tags/${tag}`)).statusCode).toBe(200);
    const refused = await bob.call('PATCH', `${path}/tags/${tag}`, { title: 'mine now' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().context).toEqual({ boardRole: 'viewer', requiredBoardRole: 'editor' });
    const readOnly = await apiAs(t, { scopes: ['boards:read'] });
    expect((await readOnly.call('GET', `${path}/tags`)).statusCode).toBe(200);
    const noWrite = await readOnly.call('POST', `${path}/tags`, { title: 'nope' });
    expect(noWrite.statusCode).toBe(403);
    expect(noWrite.json().context).toEqual({ requiredScopes: ['boards:write'] });
    expect((await alice.call('GET', `${path}/tags/${tag}`)).json().title).toBe('roles');
  });
});
