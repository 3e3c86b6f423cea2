import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import { presentGenericItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { offsetLinks } from '../presenters/pages.js';
import { presentTag, presentTagSummary } from '../presenters/tag.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams, ItemParams } from '../schemas/common.js';
import {
  ItemTags,
  TagCreateRequest,
  TaggedItemsPage,
  TaggedItemsQuery,
  TagParams,
  TagQuery,
  TagsPage,
  TagsQuery,
  TagUpdateRequest,
  TagWithLinks,
} from '../schemas/tags.js';

/**
 * Tags and tagging, as Miro's `tags` operations (spec.json): all level 1. Reads need `boards:read`
 * and a viewer; writes `boards:write` and an editor. (Miro's reference names `boards:write` for
 * `get-tag`; Grantboard reads with `boards:read`, as every other read.)
 */
export function tagRoutes({ services, config }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  return [
    defineRoute({
      method: 'POST',
      url: API_PATHS.tags,
      operationId: 'create-tag',
      summary: 'Create tag',
      description: 'Adds a tag to the board; titles are unique on the board (case-sensitive). Needs an editor.',
      tag: 'Tags',
      scopes: ['boards:write'],
      level: 1,
      status: 201,
      schema: { params: BoardParams, body: TagCreateRequest, response: TagWithLinks },
      async handle({ actor, params, body }) {
        return presentTag(await services.tags.create(actor, params.board_id, body), links);
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.tags,
      operationId: 'get-tags-from-board',
      summary: 'Get tags from board',
      description: 'Tags in the order they were created, with offset pagination.',
      tag: 'Tags',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: BoardParams, querystring: TagsQuery, response: TagsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 20;
        const offset = query.offset ?? 0;
        const { tags, total } = await services.tags.list(actor, params.board_id, limit, offset);
        const path = `/v2/boards/${encodeURIComponent(params.board_id)}/tags`;
        return {
          data: tags.map(presentTagSummary),
          total,
          size: tags.length,
          offset,
          limit,
          links: offsetLinks((at) => links.withQuery(path, { limit, offset: at }), { offset, limit, total }),
          type: 'list',
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.tag,
      operationId: 'get-tag',
      summary: 'Get tag',
      tag: 'Tags',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: TagParams, response: TagWithLinks },
      async handle({ actor, params }) {
        return presentTag(await services.tags.get(actor, params.board_id, params.tag_id), links);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: API_PATHS.tag,
      operationId: 'update-tag',
      summary: 'Update tag',
      description: 'Changes the title or colour; needs an editor.',
      tag: 'Tags',
      scopes: ['boards:write'],
      level: 1,
      status: 200,
      schema: { params: TagParams, body: TagUpdateRequest, response: TagWithLinks },
      async handle({ actor, params, body }) {
        return presentTag(await services.tags.update(actor, params.board_id, params.tag_id, body), links);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.tag,
      operationId: 'delete-tag',
      summary: 'Delete tag',
      description: 'Deletes the tag; it comes off every item that had it. Needs an editor.',
      tag: 'Tags',
      scopes: ['boards:write'],
      level: 1,
      status: 204,
      schema: { params: TagParams },
      async handle({ actor, params }) {
        await services.tags.delete(actor, params.board_id, params.tag_id);
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.itemTags,
      operationId: 'get-tags-from-item',
      summary: 'Get tags from item',
      tag: 'Tags',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: ItemParams, response: ItemTags },
      async handle({ actor, params }) {
        const tags = await services.tags.ofItem(actor, params.board_id, params.item_id);
        return { tags: tags.map(presentTagSummary) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.items,
      variant: 'tag_id',
      operationId: 'get-items-by-tag',
      summary: 'Get items by tag',
      description: 'Items that carry the tag, in creation order, with offset pagination.',
      tag: 'Tags',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: BoardParams, querystring: TaggedItemsQuery, response: TaggedItemsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 20;
        const offset = query.offset ?? 0;
        const { items, total } = await services.tags.items(actor, params.board_id, query.tag_id, limit, offset);
        const path = `/v2/boards/${encodeURIComponent(params.board_id)}/items`;
        const url = (at: number) => links.withQuery(path, { tag_id: query.tag_id, limit, offset: at });
        return {
          data: items.map((item) => presentGenericItem(item, links)),
          total,
          size: items.length,
          offset,
          limit,
          links: offsetLinks(url, { offset, limit, total }),
          type: 'list',
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: API_PATHS.item,
      variant: 'tag_id',
      operationId: 'attach-tag-to-item',
      summary: 'Attach tag to item',
      description:
        'Attaches a tag of the board to a sticky note (cards and sticky notes take up to 8 tags). Attaching a tag the item has already changes nothing. Needs an editor.',
      tag: 'Tags',
      scopes: ['boards:write'],
      level: 1,
      status: 204,
      schema: { params: ItemParams, querystring: TagQuery },
      async handle({ actor, params, query }) {
        await services.tags.attach(actor, params.board_id, params.item_id, query.tag_id);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.item,
      variant: 'tag_id',
      operationId: 'remove-tag-from-item',
      summary: 'Remove tag from item',
      description: 'Takes the tag off the item; the item and the tag stay on the board. Needs an editor.',
      tag: 'Tags',
      scopes: ['boards:write'],
      level: 1,
      status: 204,
      schema: { params: ItemParams, querystring: TagQuery },
      async handle({ actor, params, query }) {
        await services.tags.detach(actor, params.board_id, params.item_id, query.tag_id);
      },
    }),
  ];
}
