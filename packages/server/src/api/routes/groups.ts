import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import { presentGroup } from '../presenters/group.js';
import { presentGenericItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams } from '../schemas/common.js';
import {
  DeleteGroupQuery,
  GroupItemsPage,
  GroupItemsQuery,
  GroupParams,
  GroupRequest,
  GroupResponse,
  GroupsPage,
  GroupsQuery,
} from '../schemas/groups.js';

/**
 * Groups, as Miro's `groups` operations and the official client's request shape
 * (`{ data: { items } }`): reads and writes level 2, ungroup and delete level 3.
 */
export function groupRoutes({ services, config }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  const present = (group: Parameters<typeof presentGroup>[0]) => presentGroup(group, links);
  const boardPath = (boardId: string, rest: string) => `/v2/boards/${encodeURIComponent(boardId)}/${rest}`;
  return [
    defineRoute({
      method: 'POST',
      url: API_PATHS.groups,
      operationId: 'createGroup',
      summary: 'Create group',
      description: 'Groups two or more items of the board, none of them in another group. Needs an editor.',
      tag: 'Groups',
      scopes: ['boards:write'],
      level: 2,
      status: 201,
      schema: { params: BoardParams, body: GroupRequest, response: GroupResponse },
      async handle({ actor, params, body }) {
        return present(await services.groups.create(actor, params.board_id, body.data.items));
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.groups,
      operationId: 'get-all-groups',
      summary: 'Get all groups on a board',
      description: 'Groups in creation order with their items, with cursor pagination.',
      tag: 'Groups',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: BoardParams, querystring: GroupsQuery, response: GroupsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 10;
        const page = await services.groups.list(actor, params.board_id, { limit, cursor: query.cursor });
        const path = boardPath(params.board_id, 'groups');
        const pageLinks: { self: string; next?: string } = {
          self: links.withQuery(path, { limit, cursor: query.cursor || undefined }),
        };
        if (page.cursor !== undefined) pageLinks.next = links.withQuery(path, { limit, cursor: page.cursor });
        return {
          data: page.groups.map(present),
          size: page.groups.length,
          limit,
          ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
          links: pageLinks,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.groupItems,
      operationId: 'getItemsByGroupId',
      summary: 'Get items of a group',
      description: 'The items of one group (`group_item_id`) in creation order, with cursor pagination.',
      tag: 'Groups',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: BoardParams, querystring: GroupItemsQuery, response: GroupItemsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 10;
        const page = await services.groups.items(actor, params.board_id, query.group_item_id, {
          limit,
          cursor: query.cursor,
        });
        const path = boardPath(params.board_id, 'groups/items');
        const at = (cursor: string | undefined) =>
          links.withQuery(path, { group_item_id: query.group_item_id, limit, cursor });
        const pageLinks: { self: string; next?: string } = { self: at(query.cursor || undefined) };
        if (page.cursor !== undefined) pageLinks.next = at(page.cursor);
        return {
          data: {
            id: page.group.id,
            type: 'group',
            data: page.items.map((item) => presentGenericItem(item, links, actor.appId)),
          },
          total: page.group.itemIds.length,
          size: page.items.length,
          limit,
          ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
          links: pageLinks,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.group,
      operationId: 'getGroupById',
      summary: 'Get a group by its id',
      tag: 'Groups',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: GroupParams, response: GroupResponse },
      async handle({ actor, params }) {
        return present(await services.groups.get(actor, params.board_id, params.group_id));
      },
    }),
    defineRoute({
      method: 'PUT',
      url: API_PATHS.group,
      operationId: 'updateGroup',
      summary: 'Update a group',
      description: 'The group holds exactly the items given from now on. Needs an editor.',
      tag: 'Groups',
      scopes: ['boards:write'],
      level: 2,
      status: 200,
      schema: { params: GroupParams, body: GroupRequest, response: GroupResponse },
      async handle({ actor, params, body }) {
        return present(await services.groups.update(actor, params.board_id, params.group_id, body.data.items));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.group,
      operationId: 'unGroup',
      summary: 'Ungroup items',
      description: 'The group goes; its items stay on the board. Needs an editor.',
      tag: 'Groups',
      scopes: ['boards:write'],
      level: 3,
      status: 204,
      schema: { params: GroupParams },
      async handle({ actor, params }) {
        await services.groups.delete(actor, params.board_id, params.group_id, false);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.group,
      variant: 'delete_items',
      operationId: 'deleteGroup',
      summary: 'Delete a group',
      description:
        'With `delete_items=true` the group and its items go (with their connectors and tags); with `false` it only ungroups. Needs an editor.',
      tag: 'Groups',
      scopes: ['boards:write'],
      level: 3,
      status: 204,
      schema: { params: GroupParams, querystring: DeleteGroupQuery },
      async handle({ actor, params, query }) {
        await services.groups.delete(actor, params.board_id, params.group_id, query.delete_items === 'true');
      },
    }),
  ];
}
