import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import { presentGenericItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams, ItemParams } from '../schemas/common.js';
import { FrameCreateRequest, FrameItem, FrameUpdateRequest } from '../schemas/frames.js';
import { GenericItem, GenericItemUpdate, ItemsPage, ItemsQuery } from '../schemas/items.js';
import { ShapeItem, ShapeRequest } from '../schemas/shapes.js';
import { StickyNote, StickyNoteRequest } from '../schemas/sticky-notes.js';
import { TextCreateRequest, TextItem, TextUpdateRequest } from '../schemas/texts.js';
import { typedItemRoutes } from './typed-items.js';

/** The generic items endpoints: every type, listed with cursor pagination. */
export function itemRoutes(context: AppContext): ApiRoute[] {
  const { services, config } = context;
  const links = apiLinks(config.publicUrl);
  return [
    defineRoute({
      method: 'GET',
      url: API_PATHS.items,
      operationId: 'get-items',
      summary: 'Get items on board',
      description:
        'Items in creation order, with cursor pagination. `total` is always present: the official clients stop paging without it.',
      tag: 'Items',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: BoardParams, querystring: ItemsQuery, response: ItemsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 10;
        const page = await services.items.list(actor, params.board_id, {
          type: query.type,
          limit,
          cursor: query.cursor,
        });
        const path = `/v2/boards/${encodeURIComponent(params.board_id)}/items`;
        const pageLinks: { self: string; next?: string } = {
          self: links.withQuery(path, { limit, type: query.type, cursor: query.cursor || undefined }),
        };
        if (page.cursor !== undefined)
          pageLinks.next = links.withQuery(path, { limit, type: query.type, cursor: page.cursor });
        return {
          data: page.items.map((item) => presentGenericItem(item, links)),
          total: page.total,
          size: page.items.length,
          limit,
          ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
          links: pageLinks,
          type: 'cursor-list',
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.item,
      operationId: 'get-specific-item',
      summary: 'Get specific item on board',
      tag: 'Items',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: ItemParams, response: GenericItem },
      async handle({ actor, params }) {
        return presentGenericItem(await services.items.get(actor, params.board_id, params.item_id), links);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: API_PATHS.item,
      operationId: 'update-item-position-or-parent',
      summary: 'Update item position or parent',
      tag: 'Items',
      scopes: ['boards:write'],
      level: 2,
      status: 200,
      optionalBody: true,
      schema: { params: ItemParams, body: GenericItemUpdate, response: GenericItem },
      async handle({ actor, params, body }) {
        return presentGenericItem(
          await services.items.update(actor, params.board_id, params.item_id, undefined, body),
          links,
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.item,
      operationId: 'delete-item',
      summary: 'Delete item',
      tag: 'Items',
      scopes: ['boards:write'],
      level: 3,
      status: 204,
      schema: { params: ItemParams },
      async handle({ actor, params }) {
        await services.items.delete(actor, params.board_id, params.item_id);
      },
    }),
    ...typedItemRoutes(context, {
      type: 'sticky_note',
      tag: 'Sticky notes',
      operation: 'sticky-note-item',
      noun: 'sticky note',
      collection: API_PATHS.stickyNotes,
      member: API_PATHS.stickyNote,
      createBody: StickyNoteRequest,
      updateBody: StickyNoteRequest,
      response: StickyNote,
    }),
    ...typedItemRoutes(context, {
      type: 'text',
      tag: 'Texts',
      operation: 'text-item',
      noun: 'text item',
      collection: API_PATHS.texts,
      member: API_PATHS.text,
      createBody: TextCreateRequest,
      updateBody: TextUpdateRequest,
      response: TextItem,
    }),
    ...typedItemRoutes(context, {
      type: 'shape',
      tag: 'Shapes',
      operation: 'shape-item',
      noun: 'shape',
      collection: API_PATHS.shapes,
      member: API_PATHS.shape,
      createBody: ShapeRequest,
      updateBody: ShapeRequest,
      response: ShapeItem,
    }),
    ...typedItemRoutes(context, {
      type: 'frame',
      tag: 'Frames',
      operation: 'frame-item',
      noun: 'frame',
      collection: API_PATHS.frames,
      member: API_PATHS.frame,
      createBody: FrameCreateRequest,
      updateBody: FrameUpdateRequest,
      response: FrameItem,
    }),
  ];
}
