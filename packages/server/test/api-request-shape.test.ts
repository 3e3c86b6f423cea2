import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/api/plugin.js';
import type { AppContext } from '../src/app-context.js';
import { type ApiCaller, createSticky, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { multipart, PNG } from './helpers/multipart.js';

/** ARCHITECTURE.md decision 16: strict where a mistake costs data, lenient where Miro is. */
describe.each(DIALECTS)('what a REST request may carry, on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Shape'));
  });
  afterAll(() => t?.close());

  const unknownQuery = (name: string) =>
    errorBody(400, 'invalidParameters', `Invalid parameters in the query string: ${name} is not a known parameter.`, {
      fields: [{ in: 'query', field: name, message: 'is not a known parameter' }],
    });

  it("takes DELETE …/items/{id}?tag_id= as Miro's remove-tag, never as a delete of the item", async () => {
    const sticky = await createSticky(alice, board);
    const response = await alice.call('DELETE', `${path}/items/${sticky}?tag_id=3458764517517819001`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(errorBody(404, 'notFound', 'Tag 3458764517517819001 was not found on this board.'));
    expect((await alice.call('GET', `${path}/items/${sticky}`)).statusCode).toBe(200);
    // A variant parameter on a route that has no such variant is refused like any unknown one.
    const patch = await alice.call('PATCH', `${path}/items/${sticky}?tag_id=1`, {});
    expect(patch.json()).toEqual(unknownQuery('tag_id'));
  });

  it('never lists every item for a filter it cannot meet', async () => {
    await createSticky(alice, board);
    // ?parent_item_id= lists a frame's items; a frame that is not there is a 404, not the board.
    const response = await alice.call('GET', `${path}/items?parent_item_id=3458764517517819001`);
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('Frame 3458764517517819001 was not found on this board.');
    // ?tag_id= lists the items by tag, never every item.
    const byTag = await alice.call('GET', `${path}/items?tag_id=3458764517517819001`);
    expect(byTag.statusCode).toBe(404);
  });

  it('refuses an unknown query parameter on every route, before anything is done', async () => {
    const routes = apiRoutes({ config: t.config, services: t.services } as unknown as AppContext);
    const sticky = await createSticky(alice, board);
    const bodies: Record<string, unknown> = {
      'share-board': { emails: ['bob@example.com'] },
      'update-board-member': { role: 'viewer' },
      'create-text-item': { data: { content: 'x' } },
      'create-frame-item': { data: {} },
      'create-tag': { title: 'x' },
      'create-image-item-using-url': { data: { url: 'https://example.com/a.png' } },
      'create-embed-item': { data: { url: 'https://example.com/e' } },
      'create-document-item-using-url': { data: { url: 'https://example.com/a.pdf' } },
      'create-doc-format-item': { data: { contentType: 'markdown', content: 'x' } },
      'create-connector': { startItem: { id: sticky }, endItem: { id: sticky } },
      createGroup: { data: { items: [sticky, '1'] } },
      updateGroup: { data: { items: [sticky, '1'] } },
      'create-items': [{ type: 'sticky_note' }],
    };
    const before = await t.repos.items.count(board);
    for (const route of routes) {
      const url = route.url
        .replace(':board_id', enc(board))
        .replace(':item_id', sticky)
        .replace(':board_member_id', t.seed.alice.id)
        .replace(':tag_id', '1');
      const required: Record<string, string> = {
        'copy-board': `copy_from=${enc(board)}&`,
        getItemsByGroupId: 'group_item_id=1&',
        deleteGroup: 'delete_items=true&',
      };
      const query = `?${required[route.operationId] ?? (route.variant ? `${route.variant}=1&` : '')}colour=red`;
      const body = route.schema.body ? (bodies[route.operationId] ?? {}) : undefined;
      const upload = multipart([{ name: route.multipart?.filePart ?? 'resource', filename: 'a.png', body: PNG }]);
      const response = route.multipart
        ? await t.app.inject({
            method: route.method,
            url: `${url}${query}`,
            payload: upload.payload,
            headers: { ...upload.headers, authorization: `Bearer ${alice.token}` },
          })
        : await alice.call(route.method, `${url}${query}`, body);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(400);
      expect(response.json(), `${route.method} ${route.url}`).toEqual(unknownQuery('colour'));
    }
    expect(await t.repos.items.count(board)).toBe(before);
    expect((await alice.call('GET', path)).json().name).toBe('Shape');
  });

  it('keeps taking the access token in the query, as Miro does', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${path}?access_token=${alice.token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(board);
    const listed = await t.app.inject({ method: 'GET', url: `/v2/boards?limit=5&access_token=${alice.token}` });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().limit).toBe(5);
  });

  it('answers collection paths with a trailing slash, as Miro does', async () => {
    const plain = await alice.call('GET', '/v2/boards');
    const slash = await alice.call('GET', '/v2/boards/');
    expect(slash.statusCode).toBe(200);
    expect(slash.json()).toEqual(plain.json());
    const created = await alice.call('POST', '/v2/boards/', { name: 'Slash' });
    expect(created.statusCode).toBe(201);
    expect(created.json().name).toBe('Slash');
    expect((await alice.call('GET', `${path}/items/`)).json().type).toBe('cursor-list');
    expect((await alice.call('GET', `${path}/members/?limit=1`)).json()).toMatchObject({ limit: 1, type: 'list' });
    const sticky = await alice.call('POST', `${path}/sticky_notes/`, { data: { content: 'slash' } });
    expect(sticky.statusCode).toBe(201);
    // A path that names one thing has no trailing-slash form.
    const item = await alice.call('GET', `${path}/items/${sticky.json().id}/`);
    expect(item.statusCode).toBe(404);
    expect(item.json().type).toBe('error');
  });

  it('takes a JSON content type with an empty body where no body is required', async () => {
    const json = { 'content-type': 'application/json' };
    const sticky = await createSticky(alice, board);
    expect((await alice.call('GET', `${path}/items/${sticky}`, undefined, json)).statusCode).toBe(200);
    const deleted = await alice.call('DELETE', `${path}/items/${sticky}`, undefined, json);
    expect(deleted.statusCode).toBe(204);
    expect((await alice.call('GET', `${path}/items/${sticky}`)).statusCode).toBe(404);
    // An optional body may be empty too.
    expect((await alice.call('POST', '/v2/boards', '', json)).statusCode).toBe(201);
    expect((await alice.call('POST', `${path}/sticky_notes`, '  ', json)).statusCode).toBe(201);
    // Where a body is required, an empty one is still refused.
    const share = await alice.call('POST', `${path}/members`, '', json);
    expect(share.statusCode).toBe(400);
    expect(share.json()).toEqual(errorBody(400, 'invalidParameters', 'The request body is not valid JSON.'));
  });

  it('refuses fields in the body of a route that takes none, and deletes nothing', async () => {
    const sticky = await createSticky(alice, board);
    const refused = await alice.call('DELETE', `${path}/items/${sticky}`, { tag_id: '1' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual(
      errorBody(400, 'invalidParameters', 'Invalid parameters in the request body: tag_id is not a known field.', {
        fields: [{ in: 'body', field: 'tag_id', message: 'is not a known field' }],
      }),
    );
    expect((await alice.call('GET', `${path}/items/${sticky}`)).statusCode).toBe(200);
    expect((await alice.call('DELETE', `${path}/items/${sticky}`, {})).statusCode).toBe(204);
  });

  it("answers a malformed % escape or an over-long path parameter in Miro's envelope", async () => {
    const cases = [
      ['/v2/boards/%zz', 'The path is not a valid URL: a percent-escape (%) in it is malformed.'],
      [`${path}/items/%E0%A4%A`, 'The path is not a valid URL: a percent-escape (%) in it is malformed.'],
      [`/v2/boards/${'a'.repeat(201)}`, 'A path parameter is too long.'],
      [`${path}/items/${'1'.repeat(201)}`, 'A path parameter is too long.'],
      [`${path}/members/${'1'.repeat(300)}?limit=1`, 'A path parameter is too long.'],
    ];
    for (const [url, message] of cases) {
      const response = await alice.call('GET', url!);
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual(errorBody(400, 'invalidParameters', message!));
    }
    // Up to the limit the path parameter reaches validation, which names it.
    const long = await alice.call('GET', `/v2/boards/${'a'.repeat(150)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().context.fields).toEqual([
      { in: 'path', field: 'board_id', message: 'expected string length less or equal to 100' },
    ]);
  });

  it('answers such paths on the other surfaces in their own vocabulary: a page for browsers, JSON otherwise', async () => {
    const message = 'The path is not a valid URL: a percent-escape (%) in it is malformed.';
    const json = await t.app.inject({ method: 'GET', url: '/oauth/authorize/%zz' });
    expect(json.statusCode).toBe(400);
    expect(json.headers['cache-control']).toBe('no-store');
    expect(json.json()).toEqual({
      status: 400,
      code: 'badRequest',
      message,
      type: 'error',
      error: 'invalid_request',
      error_description: message,
    });
    for (const url of ['/app/board/%zz/', `/app/board/${'1'.repeat(201)}/`]) {
      const page = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*;q=0.8' } });
      expect(page.statusCode, url).toBe(400);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<h1>Bad address</h1>');
      expect(page.body).not.toContain('FST_ERR');
    }
  });
});
