import type { ItemType } from '../../domain/item-types.js';
import type { ItemRow } from '../../storage/repositories/items.js';
import { type ApiLinks, iso } from './links.js';

/** The endpoint collection each stored type has its own routes under. */
const COLLECTION: Record<ItemType, string> = {
  sticky_note: 'sticky_notes',
  text: 'texts',
  shape: 'shapes',
  frame: 'frames',
  card: 'cards',
  app_card: 'app_cards',
  image: 'images',
  embed: 'embeds',
  document: 'documents',
  doc_format: 'docs',
};

/** Types whose own endpoint answers without `style` (Miro's `ImageItem`, `EmbedItem`, …). */
const UNSTYLED = new Set(['image', 'embed', 'document', 'doc_format']);

/**
 * The item's `data` as the reader sees it: an app card says whether the reading app owns it
 * (Miro: only the app that created an app card owns it).
 */
function dataOf(item: ItemRow, readerAppId: string | undefined): Record<string, unknown> {
  const data = JSON.parse(item.data) as Record<string, unknown>;
  if (item.type === 'app_card') data.owned = readerAppId !== undefined && item.created_by_app === readerAppId;
  return data;
}

function collectionOf(type: string): string {
  return COLLECTION[type as ItemType] ?? 'items';
}

function geometry(item: ItemRow) {
  if (item.width === null && item.height === null) return undefined;
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
    ...(geometry(item) === undefined ? {} : { geometry: geometry(item) }),
    createdAt: iso(item.created_at),
    createdBy: { id: item.created_by, type: 'user' as const },
    modifiedAt: iso(item.modified_at),
    modifiedBy: { id: item.modified_by, type: 'user' as const },
  };
}

/** An item in the shape of its own endpoint (`StickyNoteItem`, `TextItem`, `FrameItem`). */
export function presentTypedItem(item: ItemRow, links: ApiLinks, readerAppId?: string) {
  const self = (type: string, id: string) => links.boardPath(item.board_id, `${collectionOf(type)}/${id}`);
  const body: Record<string, unknown> = {
    id: item.id,
    type: item.type,
    data: dataOf(item, readerAppId),
    ...(UNSTYLED.has(item.type) ? {} : { style: JSON.parse(item.style) }),
    ...common(item),
    links: { self: self(item.type, item.id) },
  };
  if (item.parent_id !== null) {
    body.parent = { id: item.parent_id, links: { self: links.boardPath(item.board_id, `items/${item.parent_id}`) } };
  }
  return body;
}

/** An item in Miro's `GenericItem` shape: no style, the parent by id only. */
export function presentGenericItem(item: ItemRow, links: ApiLinks, readerAppId?: string) {
  const body: Record<string, unknown> = {
    id: item.id,
    type: item.type,
    data: dataOf(item, readerAppId),
    ...common(item),
    links: { self: links.boardPath(item.board_id, `items/${item.id}`) },
  };
  if (item.parent_id !== null) body.parent = { id: item.parent_id };
  return body;
}
