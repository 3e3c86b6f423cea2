import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AppContext } from '../../app-context.js';
import type { Actor } from '../../domain/board-roles.js';
import type { ItemInput } from '../../domain/item-types.js';
import { API_PATHS } from '../paths.js';
import { presentGenericItem, presentTypedItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BulkCreated, BulkCreateRequest, type BulkType } from '../schemas/bulk.js';
import { AppCardRequest, CardRequest } from '../schemas/cards.js';
import { BoardParams, ItemParams } from '../schemas/common.js';
import { FrameCreateRequest, FrameItem, FrameUpdateRequest } from '../schemas/frames.js';
import { FrameItemsQuery, GenericItem, GenericItemUpdate, ItemsPage, ItemsQuery } from '../schemas/items.js';
import { DocumentCreateRequest, EmbedCreateRequest, ImageCreateRequest } from '../schemas/media.js';
import { ShapeItem, ShapeRequest } from '../schemas/shapes.js';
import { StickyNote, StickyNoteRequest } from '../schemas/sticky-notes.js';
import { TextCreateRequest, TextItem, TextUpdateRequest } from '../schemas/texts.js';
import { validationError } from '../validation.js';
import { typedItemRoutes } from './typed-items.js';

/** Each bulk type's own create request, checked item by item. */
const BULK_CHECKS = Object.fromEntries(
  Object.entries({
    app_card: AppCardRequest,
    text: TextCreateRequest,
    shape: ShapeRequest,
    sticky_note: StickyNoteRequest,
    image: ImageCreateRequest,
    document: DocumentCreateRequest,
    card: CardRequest,
    frame: FrameCreateRequest,
    embed: EmbedCreateRequest,
  } satisfies Record<BulkType, TSchema>).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
) as unknown as Record<BulkType, ReturnType<typeof TypeCompiler.Compile>>;

/** The generic items endpoints: every type, listed with cursor pagination; bulk create. */
export function itemRoutes(context: AppContext): ApiRoute[] {
  const { services, config } = context;
  const links = apiLinks(config.publicUrl);

  async function listItems(
    actor: Actor,
    boardId: string,
    query: { limit?: number; type?: string; cursor?: string; parent_item_id?: string },
  ) {
    const limit = query.limit ?? 10;
    const page = await services.items.list(actor, boardId, {
      type: query.type,
      parentId: query.parent_item_id,
      limit,
      cursor: query.cursor,
    });
    const path = `/v2/boards/${encodeURIComponent(boardId)}/items`;
    const at = (cursor: string | undefined) =>
      links.withQuery(path, { parent_item_id: query.parent_item_id, limit, type: query.type, cursor });
    const pageLinks: { self: string; next?: string } = { self: at(query.cursor || undefined) };
    if (page.cursor !== undefined) pageLinks.next = at(page.cursor);
    return {
      data: page.items.map((item) => presentGenericItem(item, links, actor.appId)),
      total: page.total,
      size: page.items.length,
      limit,
      ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
      links: pageLinks,
      type: 'cursor-list',
    };
  }

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
      handle: ({ actor, params, query }) => listItems(actor, params.board_id, query),
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.items,
      variant: 'parent_item_id',
      operationId: 'get-items-within-frame',
      summary: 'Get items within frame',
      description: 'The items whose parent is the frame, in creation order, with cursor pagination.',
      tag: 'Items',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: BoardParams, querystring: FrameItemsQuery, response: ItemsPage },
      handle: ({ actor, params, query }) => listItems(actor, params.board_id, query),
    }),
    defineRoute({
      method: 'POST',
      url: API_PATHS.itemsBulk,
      operationId: 'create-items',
      summary: 'Create items in bulk',
      description:
        'Up to 20 items of any of the types listed, each as its own create request would have it, plus `type`. All are created in one transaction, or none: a bad item fails the whole request, naming it by its place (`[2].data.content`). Needs an editor.',
      tag: 'Bulk operations',
      scopes: ['boards:write'],
      level: 2,
      status: 201,
      schema: { params: BoardParams, body: BulkCreateRequest, response: BulkCreated },
      async handle({ actor, params, body }) {
        const requests = body.map(({ type, ...input }, index) => {
          const error = validationError(BULK_CHECKS[type], input, 'body', `[${index}]`);
          if (error !== undefined) throw error;
          return { type, input: input as ItemInput };
        });
        const items = await services.items.createMany(actor, params.board_id, requests);
        return { data: items.map((item) => presentTypedItem(item, links, actor.appId)), type: 'list' };
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
        return presentGenericItem(await services.items.get(actor, params.board_id, params.item_id), links, actor.appId);
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
      createOptional: true,
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
      createOptional: true,
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
