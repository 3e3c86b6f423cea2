import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ItemId } from '../api/schemas/common.js';
import type { AppContext } from '../app-context.js';
import { atLeast } from '../domain/board-roles.js';
import {
  ItemChangesProps,
  StickyNoteProps,
  type StickyNoteProps as StickyNotePropsType,
  sdkItems,
} from '../sdk/items.js';
import { jsonUser } from './json-scope.js';
import { ROUTES } from './routes.js';

/** What the board page acts as: the user directly, through no app. */
export const BOARD_PAGE_ACTOR = 'board-page';

const BoardParams = Type.Object({ boardId: Type.String({ maxLength: 100 }) });
const ItemParams = Type.Object({ boardId: Type.String({ maxLength: 100 }), itemId: ItemId });

/**
 * The board page's own endpoints: its items in the Web SDK's shape, and sticky notes created,
 * changed and deleted as the signed-in user, through the same services and board roles as the REST
 * API. A viewer reads; an editor writes.
 */
export function boardEndpoints(app: FastifyInstance, { services }: AppContext): void {
  const items = sdkItems(services);
  const open = (userId: string, boardId: string) => services.boards.openAsUser(userId, boardId, BOARD_PAGE_ACTOR);

  app.get(ROUTES.boardItems, { schema: { params: BoardParams } }, async (request) => {
    const { boardId } = request.params as { boardId: string };
    const { actor, access } = await open(jsonUser(request).user.id, boardId);
    return {
      items: await items.list(actor, boardId),
      // Tags are drawn on the cards and sticky notes that carry them.
      tags: await items.tags(actor, boardId),
      // Bottom to top: what `bringToFront` / `sendToBack` moved, else creation order.
      order: await services.items.drawingOrder(actor, boardId),
      role: access.role,
      canEdit: atLeast(access.role, 'editor'),
    };
  });

  app.post(
    ROUTES.boardStickyNotes,
    { schema: { params: BoardParams, body: StickyNoteProps } },
    async (request, reply) => {
      const { boardId } = request.params as { boardId: string };
      const { actor } = await open(jsonUser(request).user.id, boardId);
      const created = await items.createStickyNote(actor, boardId, request.body as StickyNotePropsType);
      return reply.code(201).send(created);
    },
  );

  app.patch(ROUTES.boardItem, { schema: { params: ItemParams, body: ItemChangesProps } }, async (request) => {
    const { boardId, itemId } = request.params as { boardId: string; itemId: string };
    const { actor } = await open(jsonUser(request).user.id, boardId);
    return items.update(actor, boardId, itemId, request.body as Record<string, never>);
  });

  app.delete(ROUTES.boardItem, { schema: { params: ItemParams } }, async (request, reply) => {
    const { boardId, itemId } = request.params as { boardId: string; itemId: string };
    const { actor } = await open(jsonUser(request).user.id, boardId);
    await items.remove(actor, boardId, itemId);
    return reply.code(204).send();
  });
}
