import type { SdkItem } from '@grantboard/protocol';
import { type Static, Type } from '@sinclair/typebox';
import { Coordinate, closed, ItemId, Size, StringEnum } from '../api/schemas/common.js';
import { Content, StickyNoteStyle } from '../api/schemas/sticky-notes.js';
import type { Actor } from '../domain/board-roles.js';
import { ValidationError } from '../domain/errors.js';
import type { ItemInput } from '../domain/item-types.js';
import type { ItemRow } from '../domain/model.js';
import type { Services } from '../domain/services.js';

/** A new sticky note as the Web SDK's `createStickyNote()` takes it (and the board page sends it). */
export const StickyNoteProps = Type.Object(
  {
    content: Type.Optional(Content),
    shape: Type.Optional(StringEnum(['square', 'rectangle'])),
    style: Type.Optional(StickyNoteStyle),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    height: Type.Optional(Size),
    parentId: Type.Optional(ItemId),
  },
  closed,
);
export type StickyNoteProps = Static<typeof StickyNoteProps>;

/** What `item.sync()` sends: the fields the app changed. Items other than sticky notes only move. */
export const ItemChangesProps = Type.Omit(StickyNoteProps, ['parentId']);
export type ItemChangesProps = Static<typeof ItemChangesProps>;

const iso = (ms: number) => new Date(ms).toISOString();

/** An item in the Web SDK's flat shape; positions as the REST API has them (centre, relative to the parent). */
export function presentSdkItem(item: ItemRow): SdkItem {
  const data = JSON.parse(item.data) as Record<string, unknown>;
  const style = JSON.parse(item.style) as Record<string, unknown>;
  const out: SdkItem = {
    id: item.id,
    type: item.type,
    x: item.position_x,
    y: item.position_y,
    width: item.width ?? 0,
    height: item.height ?? 0,
    origin: 'center',
    relativeTo: item.parent_id === null ? 'canvas_center' : 'parent_top_left',
    parentId: item.parent_id,
    style,
    createdAt: iso(item.created_at),
    createdBy: item.created_by,
    modifiedAt: iso(item.modified_at),
    modifiedBy: item.modified_by,
  };
  if (typeof data.content === 'string') out.content = data.content;
  if (typeof data.shape === 'string') out.shape = data.shape;
  if (typeof data.title === 'string') out.title = data.title;
  return out;
}

function position(props: { x?: number | undefined; y?: number | undefined }): ItemInput['position'] | undefined {
  if (props.x === undefined && props.y === undefined) return undefined;
  return { ...(props.x === undefined ? {} : { x: props.x }), ...(props.y === undefined ? {} : { y: props.y }) };
}

function stickyInput(props: ItemChangesProps & { parentId?: string }): ItemInput {
  const input: ItemInput = {};
  const data: Record<string, unknown> = {};
  if (props.content !== undefined) data.content = props.content;
  if (props.shape !== undefined) data.shape = props.shape;
  if (Object.keys(data).length > 0) input.data = data;
  if (props.style !== undefined) input.style = props.style;
  const at = position(props);
  if (at) input.position = at;
  if (props.width !== undefined || props.height !== undefined) {
    input.geometry = {
      ...(props.width === undefined ? {} : { width: props.width }),
      ...(props.height === undefined ? {} : { height: props.height }),
    };
  }
  if (props.parentId !== undefined) input.parent = { id: props.parentId };
  return input;
}

/**
 * Item operations in the Web SDK's shapes, on the same domain services as the REST API: board roles
 * apply the same way, whether the board page or an app acts for the user.
 */
export function sdkItems(services: Services) {
  return {
    async list(actor: Actor, boardId: string): Promise<SdkItem[]> {
      const out: SdkItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await services.items.list(actor, boardId, { limit: 50, cursor });
        out.push(...page.items.map(presentSdkItem));
        cursor = page.cursor;
      } while (cursor !== undefined);
      return out;
    },

    async get(actor: Actor, boardId: string, itemId: string): Promise<SdkItem> {
      return presentSdkItem(await services.items.get(actor, boardId, itemId));
    },

    async createStickyNote(actor: Actor, boardId: string, props: StickyNoteProps): Promise<SdkItem> {
      return presentSdkItem(await services.items.create(actor, boardId, 'sticky_note', stickyInput(props)));
    },

    /** Sticky notes change in every field the SDK shows; other items only move. */
    async update(actor: Actor, boardId: string, itemId: string, changes: ItemChangesProps): Promise<SdkItem> {
      const current = await services.items.get(actor, boardId, itemId);
      if (current.type === 'sticky_note') {
        return presentSdkItem(await services.items.update(actor, boardId, itemId, 'sticky_note', stickyInput(changes)));
      }
      const others = Object.keys(changes).filter((key) => key !== 'x' && key !== 'y');
      if (others.length > 0) {
        throw new ValidationError(
          `Only the position of a ${current.type} can be changed here, not ${others.join(', ')}.`,
        );
      }
      const at = position(changes);
      return presentSdkItem(
        await services.items.update(actor, boardId, itemId, undefined, at === undefined ? {} : { position: at }),
      );
    },

    async remove(actor: Actor, boardId: string, itemId: string): Promise<void> {
      await services.items.delete(actor, boardId, itemId);
    },
  };
}

export type SdkItems = ReturnType<typeof sdkItems>;
