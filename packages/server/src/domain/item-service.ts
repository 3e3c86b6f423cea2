import { fileId, numericId } from '../lib/ids.js';
import type { ItemChanges, ItemCursor, ItemRow } from '../storage/repositories/items.js';
import type { FilesTable } from '../storage/schema.js';
import type { AccessibleBoard, Actor } from './board-roles.js';
import { requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, TooLargeError, ValidationError } from './errors.js';
import { ACCEPTED_TYPES, type FileItemType, MAX_FILE_BYTES, sniffFileType } from './file-types.js';
import { ITEM_RULES, type ItemBody, type ItemInput, type ItemType } from './item-types.js';
import type { ServiceContext } from './service-context.js';

/** The opaque page cursor: base64url of `createdAt~id`, the last item of the page before. */
export function encodeCursor(cursor: ItemCursor): string {
  return Buffer.from(`${cursor.createdAt}~${cursor.id}`).toString('base64url');
}

/** Reads a cursor this server issued; anything else is a 400, never a guess. */
export function decodeCursor(value: string): ItemCursor {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^(\d{1,15})~(\d{1,30})$/.exec(decoded);
  if (!match || encodeCursor({ createdAt: Number(match[1]), id: match[2]! }) !== value) {
    throw new ValidationError(`The cursor '${value.slice(0, 100)}' is not one this server issued.`, 'cursor');
  }
  return { createdAt: Number(match[1]), id: match[2]! };
}

/** Where an uploaded file is served, under the public URL (web/files.ts answers it). */
export const FILES_PATH = '/files';

/** An item to create or change from a file: the item's fields, and the file's bytes. */
export interface FileItemRequest {
  type: FileItemType;
  input: ItemInput;
  bytes: Uint8Array;
}

export interface ItemPage {
  items: ItemRow[];
  total: number;
  /** Present when more items follow. */
  cursor: string | undefined;
}

const parse = (row: ItemRow): ItemBody => ({
  data: JSON.parse(row.data) as Record<string, unknown>,
  style: JSON.parse(row.style) as Record<string, unknown>,
  width: row.width,
  height: row.height,
  rotation: row.rotation,
});

/**
 * The create request that makes this item again (fixtures export): its data, style and position,
 * and as much of its geometry as its type lets a request set (a sticky note takes a width only,
 * its height follows; text takes no height). The geometry kept is the fullest one the type's
 * rules accept.
 */
export function recreateInput(row: ItemRow): {
  data: Record<string, unknown>;
  style: Record<string, unknown>;
  position: { x: number; y: number };
  geometry?: { width?: number; height?: number; rotation?: number };
} {
  const body = parse(row);
  const base = { data: body.data, style: body.style, position: { x: row.position_x, y: row.position_y } };
  const full = {
    ...(row.width !== null ? { width: row.width } : {}),
    ...(row.height !== null ? { height: row.height } : {}),
    ...(row.rotation !== null ? { rotation: row.rotation } : {}),
  };
  const { height: _h, ...noHeight } = full;
  const { rotation: _r, ...widthOnly } = noHeight;
  const rules = ITEM_RULES[row.type as ItemType];
  for (const geometry of [full, noHeight, widthOnly, {}]) {
    try {
      rules?.create({ ...base, geometry });
      return Object.keys(geometry).length > 0 ? { ...base, geometry } : base;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  return base;
}

/** Items on boards: reading needs a viewer, writing an editor, whatever the token's scopes say. */
export function itemService({ repos, clock, config }: ServiceContext, boards: BoardService) {
  /** A parent must be a frame on the same board, and only nestable items go in frames. */
  async function checkParent(boardId: string, type: string, parentId: string, itemId?: string): Promise<void> {
    if (!ITEM_RULES[type as ItemType]?.nestable)
      throw new ValidationError(`A ${type} cannot be placed in a frame.`, 'parent.id');
    if (parentId === itemId) throw new ValidationError('An item cannot be its own parent.', 'parent.id');
    const parent = await repos.items.find(boardId, parentId);
    if (parent?.type !== 'frame')
      throw new ValidationError(`Parent ${parentId} is not a frame on this board.`, 'parent.id');
  }

  /** A card's `assigneeId` names a user who exists, as in Miro; a number nobody has is refused. */
  async function checkAssignee(type: string, input: ItemInput): Promise<void> {
    const assignee = input.data?.assigneeId;
    if (type !== 'card' || typeof assignee !== 'string') return;
    if (!(await repos.users.findById(assignee)))
      throw new ValidationError(`There is no user ${assignee} to assign the card to.`, 'data.assigneeId');
  }

  async function find(access: AccessibleBoard, itemId: string, type: ItemType | undefined): Promise<ItemRow> {
    const item = await repos.items.find(access.board.id, itemId);
    if (!item || (type !== undefined && item.type !== type)) {
      throw new NotFoundError(`${type === undefined ? 'Item' : label(type)} ${itemId} was not found on this board.`);
    }
    return item;
  }

  function newItem(actor: Actor, boardId: string, type: ItemType, input: ItemInput): ItemRow {
    const body = ITEM_RULES[type].create(input);
    const now = clock.now();
    return {
      id: numericId(),
      board_id: boardId,
      type,
      data: JSON.stringify(body.data),
      style: JSON.stringify(body.style),
      position_x: input.position?.x ?? 0,
      position_y: input.position?.y ?? 0,
      width: body.width,
      height: body.height,
      rotation: body.rotation,
      parent_id: input.parent?.id ?? null,
      created_by: actor.userId,
      created_at: now,
      modified_by: actor.userId,
      modified_at: now,
      created_by_app: actor.appId,
    };
  }

  /**
   * The columns an update writes: the type's rules applied to the current item (without a type,
   * only position and parent change), and a parent checked to be a frame on the same board.
   */
  async function changesFor(
    actor: Actor,
    boardId: string,
    current: ItemRow,
    type: ItemType | undefined,
    input: ItemInput,
  ): Promise<ItemChanges> {
    const changes: ItemChanges = { modified_by: actor.userId, modified_at: clock.now() };
    if (type !== undefined) {
      const body = ITEM_RULES[type].update(parse(current), input);
      Object.assign(changes, {
        data: JSON.stringify(body.data),
        style: JSON.stringify(body.style),
        width: body.width,
        height: body.height,
        rotation: body.rotation,
      });
    }
    if (input.position?.x !== undefined) changes.position_x = input.position.x;
    if (input.position?.y !== undefined) changes.position_y = input.position.y;
    if (input.parent !== undefined) {
      await checkParent(boardId, current.type, input.parent.id, current.id);
      changes.parent_id = input.parent.id;
    }
    return changes;
  }

  /**
   * The file row for an upload, and the item input that shows it: `data.url` is the file's
   * address, as Miro answers `imageUrl` and `documentUrl` with where it keeps the upload.
   */
  function fileFor(request: FileItemRequest, itemId: string): { file: FilesTable; input: ItemInput } {
    const noun = request.type === 'image' ? 'an image' : 'a document';
    if (request.bytes.length > MAX_FILE_BYTES)
      throw new TooLargeError(`The file for ${noun} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
    const kind = sniffFileType(request.type, request.bytes);
    if (kind === undefined) {
      throw new ValidationError(
        `The file is not one that ${noun} can show: send ${ACCEPTED_TYPES[request.type]}.`,
        'resource',
      );
    }
    const id = fileId();
    const file: FilesTable = {
      id,
      item_id: itemId,
      media_type: kind.mediaType,
      byte_size: request.bytes.length,
      content: Buffer.from(request.bytes),
      created_at: clock.now(),
    };
    const url = `${config.publicUrl}${FILES_PATH}/${id}`;
    return { file, input: { ...request.input, data: { ...request.input.data, url } } };
  }

  return {
    async create(actor: Actor, boardId: string, type: ItemType, input: ItemInput): Promise<ItemRow> {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'add items');
      const item = newItem(actor, boardId, type, input);
      if (input.parent !== undefined) await checkParent(boardId, type, input.parent.id);
      await checkAssignee(type, input);
      if (!(await repos.items.create(item))) {
        throw new NotFoundError(`Board ${boardId} or the parent frame was deleted while the item was being added.`);
      }
      return item;
    },

    /**
     * Miro's bulk create: up to 20 items in one transaction, all or none. Every item is judged
     * before anything is written; an error names the item by its place in the request (`[2].data`).
     */
    async createMany(actor: Actor, boardId: string, requests: { type: ItemType; input: ItemInput }[]) {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'add items');
      if (requests.length === 0 || requests.length > MAX_BULK_ITEMS) {
        throw new ValidationError(`Send between 1 and ${MAX_BULK_ITEMS} items in one request.`);
      }
      const items = requests.map(({ type, input }, index) => {
        try {
          return newItem(actor, boardId, type, input);
        } catch (error) {
          throw atIndex(error, index);
        }
      });
      for (const [index, { type, input }] of requests.entries()) {
        try {
          if (input.parent !== undefined) await checkParent(boardId, type, input.parent.id);
          await checkAssignee(type, input);
        } catch (error) {
          throw atIndex(error, index);
        }
      }
      if (!(await repos.items.createMany(items))) {
        throw new NotFoundError(`Board ${boardId} or a parent frame was deleted while the items were being added.`);
      }
      return items;
    },

    /**
     * Images and documents from files sent with the request ("using file from device"): each
     * file is judged by its bytes, and the items and their files are stored in one transaction,
     * all or none. With several requests (the bulk create), errors name the item by its place.
     */
    async createFromFiles(actor: Actor, boardId: string, requests: FileItemRequest[]): Promise<ItemRow[]> {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'add items');
      if (requests.length === 0 || requests.length > MAX_BULK_ITEMS) {
        throw new ValidationError(`Send between 1 and ${MAX_BULK_ITEMS} items in one request.`);
      }
      const bulk = requests.length > 1;
      const built = requests.map((request, index) => {
        try {
          const id = numericId();
          const { file, input } = fileFor(request, id);
          return { item: { ...newItem(actor, boardId, request.type, input), id }, file, input };
        } catch (error) {
          throw bulk ? atIndex(error, index) : error;
        }
      });
      for (const [index, { item, input }] of built.entries()) {
        if (input.parent === undefined) continue;
        try {
          await checkParent(boardId, item.type, input.parent.id);
        } catch (error) {
          throw bulk ? atIndex(error, index) : error;
        }
      }
      const items = built.map((b) => b.item);
      if (
        !(await repos.items.createWithFiles(
          items,
          built.map((b) => b.file),
        ))
      ) {
        throw new NotFoundError(`Board ${boardId} or a parent frame was deleted while the items were being added.`);
      }
      return items;
    },

    /** An image or a document shown from a new file: the old file goes with the change. */
    async updateFromFile(actor: Actor, boardId: string, itemId: string, request: FileItemRequest): Promise<ItemRow> {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'change items');
      const current = await find(access, itemId, request.type);
      const { file, input } = fileFor(request, itemId);
      const changes = await changesFor(actor, boardId, current, request.type, input);
      const updated = await repos.items.updateWithFile(boardId, itemId, request.type, changes, file);
      if (!updated) throw new NotFoundError(`Item ${itemId} was not found on this board.`);
      return updated;
    },

    /** An uploaded file by its id, for anyone who has its (unguessable) address. */
    file(id: string) {
      return repos.files.find(id);
    },

    async get(actor: Actor, boardId: string, itemId: string, type?: ItemType): Promise<ItemRow> {
      return find(await boards.open(actor, boardId), itemId, type);
    },

    /** Without a type, only position and parent change (the generic items endpoint). */
    async update(actor: Actor, boardId: string, itemId: string, type: ItemType | undefined, input: ItemInput) {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'change items');
      const current = await find(access, itemId, type);
      if (type !== undefined) await checkAssignee(type, input);
      const changes = await changesFor(actor, boardId, current, type, input);
      const updated = await repos.items.update(boardId, itemId, type, changes);
      if (!updated) throw new NotFoundError(`Item ${itemId} was not found on this board.`);
      return updated;
    },

    async delete(actor: Actor, boardId: string, itemId: string, type?: ItemType): Promise<void> {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'delete items');
      await find(access, itemId, type);
      if (!(await repos.items.delete(boardId, itemId, type)))
        throw new NotFoundError(`Item ${itemId} was not found on this board.`);
    },

    /**
     * Moves items to the top (`front`) or the bottom of the board's drawing order, keeping their
     * order among themselves (Miro's `bringToFront` / `sendToBack`); an editor, items of this board.
     */
    async restack(actor: Actor, boardId: string, itemIds: string[], edge: 'front' | 'back'): Promise<ItemRow[]> {
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'change items');
      const unique = [...new Set(itemIds)];
      const found = await repos.items.findMany(boardId, unique);
      const missing = unique.find((id) => !found.some((item) => item.id === id));
      if (missing !== undefined) throw new NotFoundError(`Item ${missing} was not found on this board.`);
      const order = await repos.layers.order(boardId);
      const place = new Map(order.map((id, i) => [id, i]));
      const sorted = [...unique].sort((a, b) => (place.get(a) ?? 0) - (place.get(b) ?? 0));
      if (edge === 'front') await repos.layers.bringToFront(boardId, sorted);
      else await repos.layers.sendToBack(boardId, sorted);
      return found;
    },

    /** The board's item ids from the bottom of the drawing order to the top (the REST API lists by creation). */
    async drawingOrder(actor: Actor, boardId: string): Promise<string[]> {
      await boards.open(actor, boardId);
      return repos.layers.order(boardId);
    },

    /** Every item of a board in creation order, for the operator (fixtures export); no actor. */
    allOf(boardId: string): Promise<ItemRow[]> {
      return repos.items.page(boardId, { limit: 100_000 });
    },

    /** One page in creation order; `total` counts every matching item, as Miro's clients rely on it. */
    async list(
      actor: Actor,
      boardId: string,
      options: { type?: string | undefined; parentId?: string | undefined; limit: number; cursor?: string | undefined },
    ): Promise<ItemPage> {
      const after = options.cursor === undefined || options.cursor === '' ? undefined : decodeCursor(options.cursor);
      await boards.open(actor, boardId);
      const filter = { type: options.type, parentId: options.parentId };
      if (options.parentId !== undefined) {
        const frame = await repos.items.find(boardId, options.parentId);
        if (frame?.type !== 'frame') throw new NotFoundError(`Frame ${options.parentId} was not found on this board.`);
      }
      const rows = await repos.items.page(boardId, { ...filter, after, limit: options.limit + 1 });
      const items = rows.slice(0, options.limit);
      const last = items.at(-1);
      return {
        items,
        total: await repos.items.count(boardId, filter),
        cursor:
          rows.length > options.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : undefined,
      };
    },
  };
}

/** Miro's limit on one bulk create. */
export const MAX_BULK_ITEMS = 20;

/** A domain error about one item of a bulk request, named by its place. */
function atIndex(error: unknown, index: number): unknown {
  if (error instanceof ValidationError) {
    return new ValidationError(`Item ${index}: ${error.message}`, `[${index}]${error.field ? `.${error.field}` : ''}`);
  }
  if (error instanceof NotFoundError) return new NotFoundError(`Item ${index}: ${error.message}`);
  return error;
}

const LABELS: Record<ItemType, string> = {
  sticky_note: 'Sticky note',
  text: 'Text item',
  shape: 'Shape',
  frame: 'Frame',
  card: 'Card',
  app_card: 'App card',
  image: 'Image',
  embed: 'Embed',
  document: 'Document',
  doc_format: 'Doc format',
};

function label(type: ItemType): string {
  return LABELS[type];
}

export type ItemService = ReturnType<typeof itemService>;
