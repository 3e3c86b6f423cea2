import type { ItemType } from '../../domain/item-types.js';
import type { ItemRow } from '../../storage/repositories/items.js';
import { type ApiLinks, iso } from './links.js';

/** The endpoint collection each stored type has its own routes under. */
const COLLECTION: Record<ItemType, string> = {
  sticky_note: 'sticky_notes',
  text: 'texts',
  shape: 'shapes',
  frame: 'frames',
};

function collectionOf(type: string): string {
  return COLLECTION[type as ItemType] ?? 'items';
}

function geometry(item: ItemRow) {
  const out: { width: number; height: number; rotation?: number } = {
    width: item.width ?? 0,
    height: item.height ?? 0,
  };
  if (item.rotation !== null) out.rotation = item.rotation;
  return out;
}

function common(item: ItemRow) {
  return {
    position: {
      x: item.position_x,
      y: item.position_y,
      origin: 'center' as const,
      // Miro: positions inside a frame count from the frame's top-left corner.
      relativeTo: item.parent_id === null ? ('canvas_center' as const) : ('parent_top_left' as const),
    },
    geometry: geometry(item),
    createdAt: iso(item.created_at),
    createdBy: { id: item.created_by, type: 'user' as const },
    modifiedAt: iso(item.modified_at),
    modifiedBy: { id: item.modified_by, type: 'user' as const },
  };
}

/** An item in the shape of its own endpoint (`StickyNoteItem`, `TextItem`, `FrameItem`). */
export function presentTypedItem(item: ItemRow, links: ApiLinks) {
  const self = (type: string, id: string) => links.boardPath(item.board_id, `${collectionOf(type)}/${id}`);
  const body: Record<string, unknown> = {
    id: item.id,
    type: item.type,
    data: JSON.parse(item.data),
    style: JSON.parse(item.style),
    ...common(item),
    links: { self: self(item.type, item.id) },
  };
  if (item.parent_id !== null) {
    body.parent = { id: item.parent_id, links: { self: links.boardPath(item.board_id, `items/${item.parent_id}`) } };
  }
  return body;
}

/** An item in Miro's `GenericItem` shape: no style, the parent by id only. */
export function presentGenericItem(item: ItemRow, links: ApiLinks) {
  const body: Record<string, unknown> = {
    id: item.id,
    type: item.type,
    data: JSON.parse(item.data),
    ...common(item),
    links: { self: links.boardPath(item.board_id, `items/${item.id}`) },
  };
  if (item.parent_id !== null) body.parent = { id: item.parent_id };
  return body;
}
