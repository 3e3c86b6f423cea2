import { numericId } from '../lib/ids.js';
import type { ItemRow } from '../storage/repositories/items.js';
import type { Tag } from '../storage/repositories/tags.js';
import { type Actor, requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** Miro: "Card and sticky note items can have up to 8 tags" (spec.json `attach-tag-to-item`). */
export const MAX_TAGS_PER_ITEM = 8;
/** The item types that take tags. */
export const TAGGABLE = new Set(['sticky_note', 'card']);

export interface TagInput {
  title?: string;
  fillColor?: string;
}

/** Tags on boards: reading needs a viewer, writing and tagging an editor, whatever the scopes say. */
export function tagService({ repos, clock }: ServiceContext, boards: BoardService) {
  async function find(boardId: string, tagId: string): Promise<Tag> {
    const tag = await repos.tags.find(boardId, tagId);
    if (!tag) throw new NotFoundError(`Tag ${tagId} was not found on this board.`);
    return tag;
  }

  async function item(boardId: string, itemId: string): Promise<ItemRow> {
    const found = await repos.items.find(boardId, itemId);
    if (!found) throw new NotFoundError(`Item ${itemId} was not found on this board.`);
    return found;
  }

  const titleTaken = (title: string | undefined) =>
    new ValidationError(`A tag titled '${title}' is already on this board; titles are unique.`, 'title');

  /** An editor of the board, for the writes. */
  async function edit(actor: Actor, boardId: string, action: string) {
    const access = await boards.open(actor, boardId);
    requireRole(access, 'editor', action);
    return access;
  }

  return {
    async create(actor: Actor, boardId: string, input: Required<Pick<TagInput, 'title'>> & TagInput): Promise<Tag> {
      await edit(actor, boardId, 'add tags');
      const tag = { id: numericId(), boardId, title: input.title, fillColor: input.fillColor ?? 'red' };
      const written = await repos.tags.create(tag, clock.now());
      if (written.kind === 'title-taken') throw titleTaken(input.title);
      if (written.kind === 'gone') throw new NotFoundError(`Board ${boardId} was not found.`);
      return written.tag;
    },

    async get(actor: Actor, boardId: string, tagId: string): Promise<Tag> {
      await boards.open(actor, boardId);
      return find(boardId, tagId);
    },

    async list(actor: Actor, boardId: string, limit: number, offset: number) {
      await boards.open(actor, boardId);
      return repos.tags.list(boardId, limit, offset);
    },

    async update(actor: Actor, boardId: string, tagId: string, input: TagInput): Promise<Tag> {
      await edit(actor, boardId, 'change tags');
      const written = await repos.tags.update(boardId, tagId, input);
      if (written.kind === 'title-taken') throw titleTaken(input.title);
      if (written.kind === 'gone') throw new NotFoundError(`Tag ${tagId} was not found on this board.`);
      return written.tag;
    },

    /** Miro: "The tag is also removed from all cards and sticky notes on the board." */
    async delete(actor: Actor, boardId: string, tagId: string): Promise<void> {
      await edit(actor, boardId, 'delete tags');
      if (!(await repos.tags.delete(boardId, tagId)))
        throw new NotFoundError(`Tag ${tagId} was not found on this board.`);
    },

    /** Attaching a tag the item already has changes nothing and succeeds. */
    async attach(actor: Actor, boardId: string, itemId: string, tagId: string): Promise<void> {
      await edit(actor, boardId, 'tag items');
      const target = await item(boardId, itemId);
      await find(boardId, tagId);
      if (!TAGGABLE.has(target.type))
        throw new ValidationError(`Only cards and sticky notes take tags; item ${itemId} is of type ${target.type}.`);
      const result = await repos.tags.attach(itemId, tagId, MAX_TAGS_PER_ITEM, clock.now());
      if (result === 'full') throw new ValidationError(`An item can have at most ${MAX_TAGS_PER_ITEM} tags.`, 'tag_id');
      if (result === 'gone') throw new NotFoundError(`Item ${itemId} or tag ${tagId} was deleted meanwhile.`);
    },

    /** Miro: "The tag still exists on the board." A tag the item does not have is a 404. */
    async detach(actor: Actor, boardId: string, itemId: string, tagId: string): Promise<void> {
      await edit(actor, boardId, 'untag items');
      await item(boardId, itemId);
      await find(boardId, tagId);
      if (!(await repos.tags.detach(itemId, tagId)))
        throw new NotFoundError(`Item ${itemId} does not have tag ${tagId}.`);
    },

    /** Every tag of the board that exists among `tagIds`, or a 404 naming the first one that does not. */
    async requireAll(actor: Actor, boardId: string, tagIds: string[]): Promise<Tag[]> {
      await boards.open(actor, boardId);
      const out: Tag[] = [];
      for (const tagId of new Set(tagIds)) out.push(await find(boardId, tagId));
      return out;
    },

    /**
     * Gives an item exactly these tags (the Web SDK's `tagIds`): an editor, a card or sticky note,
     * tags of this board, at most eight; all or nothing.
     */
    async setOnItem(actor: Actor, boardId: string, itemId: string, tagIds: string[]): Promise<void> {
      await edit(actor, boardId, 'tag items');
      const target = await item(boardId, itemId);
      const unique = [...new Set(tagIds)];
      if (unique.length > 0 && !TAGGABLE.has(target.type))
        throw new ValidationError(`Only cards and sticky notes take tags; item ${itemId} is of type ${target.type}.`);
      if (unique.length > MAX_TAGS_PER_ITEM)
        throw new ValidationError(`An item can have at most ${MAX_TAGS_PER_ITEM} tags.`, 'tagIds');
      for (const tagId of unique) await find(boardId, tagId);
      if ((await repos.tags.replaceOnItem(itemId, unique, clock.now())) === 'gone')
        throw new NotFoundError(`Item ${itemId} or one of its tags was deleted meanwhile.`);
    },

    /** The tag ids of every tagged item of the board (for the Web SDK's `tagIds`). */
    async attachmentsOnBoard(actor: Actor, boardId: string): Promise<Map<string, string[]>> {
      await boards.open(actor, boardId);
      return repos.tags.attachmentsOnBoard(boardId);
    },

    async ofItem(actor: Actor, boardId: string, itemId: string): Promise<Tag[]> {
      await boards.open(actor, boardId);
      await item(boardId, itemId);
      return repos.tags.ofItem(itemId);
    },

    async items(actor: Actor, boardId: string, tagId: string, limit: number, offset: number) {
      await boards.open(actor, boardId);
      await find(boardId, tagId);
      return repos.tags.items(tagId, limit, offset);
    },
  };
}

export type TagService = ReturnType<typeof tagService>;
