import type { TSchema } from '@sinclair/typebox';
import type { AppContext } from '../../app-context.js';
import type { ItemInput, ItemType } from '../../domain/item-types.js';
import { presentTypedItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams, ItemParams } from '../schemas/common.js';

/** What differs between the endpoints of one item type: names, paths and schemas. */
export interface TypedItemEndpoints {
  type: ItemType;
  tag: ApiRoute['tag'];
  /** `sticky-note-item`: operation ids are built from it. */
  operation: string;
  /** `sticky note`: summaries are built from it. */
  noun: string;
  collection: string;
  member: string;
  createBody: TSchema;
  updateBody: TSchema;
  response: TSchema;
}

/**
 * Create, get, update and delete for one item type. Levels follow Miro's table: read 1, create and
 * update 2, delete 3 (wire spec §5.2).
 */
export function typedItemRoutes({ services, config }: AppContext, e: TypedItemEndpoints): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  const present = (item: Parameters<typeof presentTypedItem>[0]) => presentTypedItem(item, links);
  return [
    defineRoute({
      method: 'POST',
      url: e.collection,
      operationId: `create-${e.operation}`,
      summary: `Create ${e.noun}`,
      description: `Adds a ${e.noun} to the board; needs an editor.`,
      tag: e.tag,
      scopes: ['boards:write'],
      level: 2,
      status: 201,
      // Miro requires `data` for texts and frames; sticky notes and shapes have defaults for all.
      optionalBody: e.type === 'sticky_note' || e.type === 'shape',
      schema: { params: BoardParams, body: e.createBody, response: e.response },
      async handle({ actor, params, body }) {
        return present(await services.items.create(actor, params.board_id, e.type, body as ItemInput));
      },
    }),
    defineRoute({
      method: 'GET',
      url: e.member,
      operationId: `get-${e.operation}`,
      summary: `Get ${e.noun}`,
      tag: e.tag,
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: ItemParams, response: e.response },
      async handle({ actor, params }) {
        return present(await services.items.get(actor, params.board_id, params.item_id, e.type));
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: e.member,
      operationId: `update-${e.operation}`,
      summary: `Update ${e.noun}`,
      description: 'Changes only what the request names; needs an editor.',
      tag: e.tag,
      scopes: ['boards:write'],
      level: 2,
      status: 200,
      optionalBody: true,
      schema: { params: ItemParams, body: e.updateBody, response: e.response },
      async handle({ actor, params, body }) {
        return present(await services.items.update(actor, params.board_id, params.item_id, e.type, body as ItemInput));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: e.member,
      operationId: `delete-${e.operation}`,
      summary: `Delete ${e.noun}`,
      tag: e.tag,
      scopes: ['boards:write'],
      level: 3,
      status: 204,
      schema: { params: ItemParams },
      async handle({ actor, params }) {
        await services.items.delete(actor, params.board_id, params.item_id, e.type);
      },
    }),
  ];
}
