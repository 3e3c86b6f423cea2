import { TypeCompiler } from '@sinclair/typebox/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiKey, openApiPath } from '../src/api/openapi/document.js';
import { apiRoutes } from '../src/api/plugin.js';
import type { ApiRoute } from '../src/api/route.js';
import { ErrorBody } from '../src/api/schemas/common.js';
import type { AppContext } from '../src/app-context.js';
import { type ApiCaller, createBoard, createSticky, enc, startApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { multipart, PDF, PNG } from './helpers/multipart.js';

type Json = Record<string, unknown>;

/** Every `$ref` in the document, with where it was found. */
function refs(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refs(item, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' ? [{ ref: item as string, at }] : refs(item, `${at}/${key}`),
  );
}

describe.each(DIALECTS)('API contract on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let routes: ApiRoute[];
  beforeAll(async () => {
    ({ t, alice } = await startApi(dialect));
    routes = apiRoutes({ config: t.config, services: t.services } as unknown as AppContext);
  });
  afterAll(() => t?.close());

  it('serves an OpenAPI 3.1 document covering every route, with scopes, levels and resolvable refs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = response.json() as Json & { paths: Record<string, Record<string, Json>>; components: Json };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://localhost:3000' }]);
    const operationIds = new Set<string>();
    for (const route of routes) {
      const op = doc.paths[openApiKey(route)]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      expect(op!.operationId).toBe(route.operationId);
      expect(op!.security).toEqual([{ oauth2: route.scopes }]);
      expect(op!['x-rate-limit-level']).toBe(route.level);
      operationIds.add(op!.operationId as string);
      // Every {param} in the path is declared as a path parameter.
      const declared = (op!.parameters as { name: string; in: string }[])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      expect(declared.sort()).toEqual([...openApiKey(route).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
    }
    expect(operationIds.size).toBe(routes.length);
    const schemas = (doc.components as { schemas: Json }).schemas;
    for (const { ref, at } of refs(doc)) {
      expect(ref, at).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)], at).toBeDefined();
    }
    // Unions of constants read as enums; no TypeBox internals leak.
    const sticky = schemas.StickyNoteRequest as { properties: { style: { properties: { textAlign: Json } } } };
    expect(sticky.properties.style.properties.textAlign).toEqual({
      type: 'string',
      enum: ['left', 'right', 'center'],
      description: 'Default: center.',
    });
    expect(JSON.stringify(doc)).not.toMatch(/"\[?Kind\]?"|TypeBox/);
  });

  it('serves a readable reference page with no script, listing operations, scopes and levels', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/api' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).not.toContain('script-src');
    expect(response.body).not.toMatch(/<script/i);
    for (const route of routes) {
      expect(response.body).toContain(`id="${route.operationId}"`);
      expect(response.body).toContain(openApiPath(route.url));
    }
    expect(response.body).toContain('Scope <code>boards:write</code> · rate-limit level 4 (2000 credits)');
    const css = await t.app.inject({ method: 'GET', url: '/docs/api/style.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  /** A file of the route's type (a document route's path says so) with a title, as multipart. */
  const uploadBody = (route: ApiRoute) => {
    const resource = route.url.includes('/documents') ? PDF : PNG;
    if (route.multipart?.filePart === 'resources') {
      return multipart([
        { name: 'data', body: JSON.stringify([{ type: 'image' }, { type: 'document', title: 'D' }]) },
        { name: 'resources', filename: 'a.png', body: PNG },
        { name: 'resources', filename: 'b.pdf', body: PDF },
      ]);
    }
    return multipart([
      { name: 'resource', filename: 'file', body: resource },
      { name: 'data', body: JSON.stringify({ title: 'Uploaded' }) },
    ]);
  };

  it('answers every route with a body its declared schema accepts', async () => {
    const board = await createBoard(alice, { name: 'Contract' });
    const frame = (await alice.call('POST', `/v2/boards/${enc(board)}/frames`, { data: { title: 'F' } })).json().id;
    const sticky = await createSticky(alice, board, { parent: { id: frame } });
    const text = (await alice.call('POST', `/v2/boards/${enc(board)}/texts`, { data: { content: 't' } })).json().id;
    const shape = (await alice.call('POST', `/v2/boards/${enc(board)}/shapes`)).json().id;
    await alice.call('POST', `/v2/boards/${enc(board)}/members`, { emails: ['bob@example.com'] });
    const tag = (await alice.call('POST', `/v2/boards/${enc(board)}/tags`, { title: 'Contract' })).json().id;
    const create = async (collection: string, body?: unknown) =>
      (await alice.call('POST', `/v2/boards/${enc(board)}/${collection}`, body)).json().id as string;
    const typed: Record<string, unknown> = {
      cards: { data: { title: 'c', dueDate: '2026-12-24T10:00:00.000Z', assigneeId: t.seed.bob.id } },
      app_cards: { data: { title: 'a', fields: [{ value: 'v', iconShape: 'square' }] } },
      images: { data: { url: 'https://example.com/a.png' } },
      embeds: { data: { url: 'https://example.com/video', previewUrl: 'https://example.com/p.png' } },
      documents: { data: { url: 'https://example.com/a.pdf', title: 'A' } },
      docs: { data: { contentType: 'markdown', content: '# Hi' } },
    };
    const ids: Record<string, string> = { texts: text, frames: frame, shapes: shape, sticky_notes: sticky };
    for (const [collection, body] of Object.entries(typed)) ids[collection] = await create(collection, body);
    const connect = { startItem: { id: sticky }, endItem: { id: shape, snapTo: 'top' } };
    const connector = await create('connectors', connect);
    const group = await create('groups', { data: { items: [text, ids.cards] } });
    const bodies: Record<string, unknown> = {
      'create-board': { name: 'C2', policy: { sharingPolicy: { teamAccess: 'comment' } } },
      'copy-board': {},
      'update-board': { description: 'd' },
      'create-sticky-note-item': { data: { content: 'x' } },
      'update-sticky-note-item': { style: { fillColor: 'red' } },
      'create-text-item': { data: { content: 'x' } },
      'update-text-item': { geometry: { rotation: 45 } },
      'create-frame-item': { data: { title: 'x' } },
      'update-frame-item': { geometry: { height: 300 } },
      'create-shape-item': { data: { shape: 'circle', content: 'o' } },
      'update-shape-item': { style: { borderStyle: 'dashed' }, geometry: { rotation: 10 } },
      'update-item-position-or-parent': { position: { x: 3 } },
      'share-board': { emails: ['bob@example.com', 'ghost@example.com'], role: 'editor' },
      'update-board-member': { role: 'viewer' },
      'create-tag': { title: 'Another', fillColor: 'cyan' },
      'update-tag': { fillColor: 'blue' },
      ...Object.fromEntries(
        Object.entries(typed).flatMap(([collection, body]) => {
          const route = routes.find((r) => r.method === 'POST' && r.url.endsWith(`/${collection}`))!;
          return [[route.operationId, body]];
        }),
      ),
      'update-card-item': { data: { description: 'd' } },
      'update-app-card-item': { data: { status: 'connected' } },
      'update-image-item-using-url': { geometry: { width: 100 } },
      'update-embed-item': { data: { mode: 'modal' } },
      'update-document-item-using-url': { data: { title: 'B' } },
      'create-connector': connect,
      'update-connector': { shape: 'straight', captions: [{ content: 'c' }] },
      createGroup: { data: { items: [ids.images!, ids.embeds!] } },
      updateGroup: { data: { items: [text, ids.cards!, ids.documents!] } },
      'create-items': [
        { type: 'sticky_note', data: { content: 'bulk' } },
        { type: 'card', data: { title: 'bulk card' }, parent: { id: frame } },
      ],
    };
    // Deletes last, so every other route still finds what it needs.
    const rank = (route: ApiRoute) =>
      route.operationId === 'delete-board'
        ? 4
        : route.operationId === 'delete-tag'
          ? 3
          : route.operationId === 'deleteGroup'
            ? 2
            : route.method === 'DELETE' && route.variant === undefined
              ? 1
              : 0;
    const ordered = [...routes].sort((a, b) => rank(a) - rank(b));
    for (const route of ordered) {
      // Each item route gets an item of its own type; each delete a fresh one.
      const named = /\/boards\/:board_id\/(\w+)\/:item_id/.exec(route.url)?.[1];
      const collection = named === undefined || named === 'items' ? 'sticky_notes' : named;
      let itemId = ids[collection] ?? sticky;
      if (route.method === 'DELETE' && route.url.includes(':item_id') && route.variant === undefined) {
        const body =
          { texts: { data: { content: 'x' } }, frames: { data: {} } }[collection as 'texts'] ?? typed[collection];
        itemId = await create(collection, body);
      }
      let groupId = group;
      if (route.operationId === 'deleteGroup') {
        const items = [await createSticky(alice, board), await createSticky(alice, board)];
        groupId = await create('groups', { data: { items } });
      }
      let url = route.url
        .replace(':board_id', enc(board))
        .replace(':item_id', itemId)
        .replace(':board_member_id', t.seed.bob.id)
        .replace(':tag_id', tag)
        .replace(':connector_id', connector)
        .replace(':group_id', groupId);
      if (route.variant === 'tag_id') url += `?tag_id=${tag}`;
      if (route.variant === 'parent_item_id') url += `?parent_item_id=${frame}`;
      if (route.variant === 'delete_items') url += '?delete_items=true';
      if (route.operationId === 'getItemsByGroupId') url += `?group_item_id=${group}`;
      if (route.operationId === 'copy-board') url += `?copy_from=${enc(board)}`;
      if (route.operationId === 'get-items') url += '?limit=10';
      const response = route.multipart
        ? await t.app.inject({
            method: route.method,
            url,
            ...uploadBody(route),
            headers: { ...uploadBody(route).headers, authorization: `Bearer ${alice.token}` },
          })
        : await alice.call(route.method, url, bodies[route.operationId]);
      const label = `${route.method} ${route.url}`;
      expect(response.statusCode, `${label}: ${response.body}`).toBe(route.status);
      if (route.schema.response) {
        const check = TypeCompiler.Compile(route.schema.response);
        const body = response.json();
        expect(
          [...check.Errors(body)].map((e) => `${e.path} ${e.message}`),
          label,
        ).toEqual([]);
      } else expect(response.body, label).toBe('');
    }
    const error = (await alice.call('GET', '/v2/boards/nope')).json();
    expect(TypeCompiler.Compile(ErrorBody).Check(error)).toBe(true);
  });
});
