import { numericId } from '../lib/ids.js';
import type { ItemGroup } from '../storage/repositories/groups.js';
import type { ItemRow } from '../storage/repositories/items.js';
import { type Actor, requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import { decodeCursor, encodeCursor } from './item-service.js';
import type { ServiceContext } from './service-context.js';

/** A group joins at least two items (one item alone is not a group) and, here, at most 500. */
export const MIN_GROUP_ITEMS = 2;
export const MAX_GROUP_ITEMS = 500;

/** Groups of items on a board: reading needs a viewer, writing an editor. */
export function groupService({ repos, clock }: ServiceContext, boards: BoardService) {
  async function edit(actor: Actor, boardId: string, action: string) {
    requireRole(await boards.open(actor, boardId), 'editor', action);
  }

  async function find(boardId: string, id: string): Promise<ItemGroup> {
    const group = await repos.groups.find(boardId, id);
    if (!group) throw new NotFoundError(`Group ${id} was not found on this board.`);
    return group;
  }

  /** Distinct items of the board, none of them in another group already. */
  async function checkItems(boardId: string, itemIds: string[], groupId?: string): Promise<void> {
    if (new Set(itemIds).size !== itemIds.length)
      throw new ValidationError('data.items names an item twice.', 'data.items');
    if (itemIds.length < MIN_GROUP_ITEMS || itemIds.length > MAX_GROUP_ITEMS) {
      throw new ValidationError(
        `A group holds between ${MIN_GROUP_ITEMS} and ${MAX_GROUP_ITEMS} items; data.items has ${itemIds.length}.`,
        'data.items',
      );
    }
    const found = new Set((await repos.items.findMany(boardId, itemIds)).map((item) => item.id));
    const missing = itemIds.find((id) => !found.has(id));
    if (missing !== undefined) throw new ValidationError(`Item ${missing} is not on this board.`, 'data.items');
    for (const [itemId, other] of await repos.groups.groupsOf(boardId, itemIds)) {
      if (other !== groupId) throw new ValidationError(`Item ${itemId} is already in group ${other}.`, 'data.items');
    }
  }

  function failed(write: 'taken' | 'gone' | 'missing', id: string): Error {
    if (write === 'taken') return new ValidationError('An item was added to another group meanwhile.', 'data.items');
    if (write === 'gone') return new NotFoundError('An item of the group was deleted meanwhile.');
    return new NotFoundError(`Group ${id} was not found on this board.`);
  }

  return {
    async create(actor: Actor, boardId: string, itemIds: string[]): Promise<ItemGroup> {
      await edit(actor, boardId, 'group items');
      await checkItems(boardId, itemIds);
      const group: ItemGroup = { id: numericId(), boardId, itemIds, createdAt: clock.now() };
      const written = await repos.groups.create(group);
      if (written !== 'ok') throw failed(written, group.id);
      return group;
    },

    async get(actor: Actor, boardId: string, id: string): Promise<ItemGroup> {
      await boards.open(actor, boardId);
      return find(boardId, id);
    },

    /** The group's items become the ones given. */
    async update(actor: Actor, boardId: string, id: string, itemIds: string[]): Promise<ItemGroup> {
      await edit(actor, boardId, 'regroup items');
      const current = await find(boardId, id);
      await checkItems(boardId, itemIds, id);
      const group = { ...current, itemIds };
      const written = await repos.groups.replaceItems(group);
      if (written !== 'ok') throw failed(written, id);
      return group;
    },

    /** Ungroups; with `deleteItems`, the items go too. */
    async delete(actor: Actor, boardId: string, id: string, deleteItems: boolean): Promise<void> {
      await edit(actor, boardId, deleteItems ? 'delete grouped items' : 'ungroup items');
      const done = deleteItems
        ? await repos.groups.deleteWithItems(boardId, id)
        : await repos.groups.delete(boardId, id);
      if (!done) throw new NotFoundError(`Group ${id} was not found on this board.`);
    },

    async list(actor: Actor, boardId: string, options: { limit: number; cursor?: string | undefined }) {
      const after = options.cursor ? decodeCursor(options.cursor) : undefined;
      await boards.open(actor, boardId);
      const rows = await repos.groups.page(boardId, after, options.limit + 1);
      const groups = rows.slice(0, options.limit);
      const last = groups.at(-1);
      return {
        groups,
        cursor:
          rows.length > options.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : undefined,
      };
    },

    async items(
      actor: Actor,
      boardId: string,
      groupId: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<{ group: ItemGroup; items: ItemRow[]; cursor: string | undefined }> {
      const after = options.cursor ? decodeCursor(options.cursor) : undefined;
      await boards.open(actor, boardId);
      const group = await find(boardId, groupId);
      const rows = await repos.groups.items(groupId, after, options.limit + 1);
      const items = rows.slice(0, options.limit);
      const last = items.at(-1);
      return {
        group,
        items,
        cursor:
          rows.length > options.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : undefined,
      };
    },
  };
}

export type GroupService = ReturnType<typeof groupService>;
