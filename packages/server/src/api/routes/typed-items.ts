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
  /** None for a type Miro offers no update of (doc formats). */
  updateBody?: TSchema;
  response: TSchema;
  /** Miro names the create and update of items shown from a URL `…-using-url`. */
  byUrl?: boolean;
  /** Whether a create request may leave the body out (every field has a default). */
  createOptional?: boolean;
}

/**
 * Create, get, update and delete for one item type. Levels follow Miro's table: read 1, create and
 * update 2, delete 3 (wire spec §5.2).
 */
export function typedItemRoutes({ services, config }: AppContext, e: TypedItemEndpoints): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  const present = (item: Parameters<typeof presentTypedItem>[0], actor: { appId: string }) =>
    presentTypedItem(item, links, actor.appId);
  const routes: ApiRoute[] = [
    defineRoute({
      method: 'POST',
      url: e.collection,
      operationId: `create-${e.operation}${e.byUrl ? '-using-url' : ''}`,
      summary: `Create ${e.noun}`,
      description: `Adds a ${e.noun} to the board; needs an editor.`,
      tag: e.tag,
      scopes: ['boards:write'],
      level: 2,
      status: 201,
      // Miro requires `data` for texts, frames and the types shown by URL; the others have defaults for all.
      optionalBody: e.createOptional === true,
      schema: { params: BoardParams, body: e.createBody, response: e.response },
      async handle({ actor, params, body }) {
        return present(await services.items.create(actor, params.board_id, e.type, body as ItemInput), actor);
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
        return present(await services.items.get(actor, params.board_id, params.item_id, e.type), actor);
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
  const updateBody = e.updateBody;
  if (updateBody !== undefined) {
    routes.splice(
      2,
      0,
      defineRoute({
        method: 'PATCH',
        url: e.member,
        operationId: `update-${e.operation}${e.byUrl ? '-using-url' : ''}`,
        summary: `Update ${e.noun}`,
        description: 'Changes only what the request names; needs an editor.',
        tag: e.tag,
        scopes: ['boards:write'],
        level: 2,
        status: 200,
        optionalBody: true,
        schema: { params: ItemParams, body: updateBody, response: e.response },
        async handle({ actor, params, body }) {
          return present(
            await services.items.update(actor, params.board_id, params.item_id, e.type, body as ItemInput),
            actor,
          );
        },
      }),
    );
  }
  return routes;
}
