import type { SdkItem } from '@grantboard/protocol';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Coordinate, closed, ItemId, Size, StringEnum } from '../api/schemas/common.js';
import { SHAPES, ShapeStyle } from '../api/schemas/shapes.js';
import { Content, StickyNoteStyle } from '../api/schemas/sticky-notes.js';
import { TextStyle } from '../api/schemas/texts.js';
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

const Rotation = Type.Number({ minimum: -360, maximum: 360 });

/** `createShape()`: Miro's shape types, content, style, position, size and rotation. */
export const ShapeProps = Type.Object(
  {
    content: Type.Optional(Content),
    shape: Type.Optional(StringEnum(SHAPES)),
    style: Type.Optional(ShapeStyle),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    height: Type.Optional(Size),
    rotation: Type.Optional(Rotation),
    parentId: Type.Optional(ItemId),
  },
  closed,
);

/** `createText()`: the height follows the content. */
export const TextProps = Type.Object(
  {
    content: Type.Optional(Content),
    style: Type.Optional(TextStyle),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    rotation: Type.Optional(Rotation),
    parentId: Type.Optional(ItemId),
  },
  closed,
);

/** `createFrame()`. */
export const FrameProps = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 1000 })),
    style: Type.Optional(Type.Object({ fillColor: Type.Optional(Type.String({ maxLength: 20 })) }, closed)),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    height: Type.Optional(Size),
  },
  closed,
);

/** What `item.sync()` sends: the fields the app changed, checked against the item's own type. */
export const ItemChangesProps = Type.Object(
  {
    content: Type.Optional(Content),
    shape: Type.Optional(Type.String({ maxLength: 60 })),
    title: Type.Optional(Type.String({ maxLength: 1000 })),
    style: Type.Optional(Type.Object({}, { additionalProperties: true })),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    height: Type.Optional(Size),
    rotation: Type.Optional(Rotation),
  },
  closed,
);
export type ItemChangesProps = Static<typeof ItemChangesProps>;

/** The schema a type's changes must also meet (a sticky note has no rotation, a text no height). */
const CHANGES_BY_TYPE: Record<string, TSchema> = {
  sticky_note: Type.Omit(StickyNoteProps, ['parentId']),
  shape: Type.Omit(ShapeProps, ['parentId']),
  text: Type.Omit(TextProps, ['parentId']),
  frame: FrameProps,
};

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
  if (item.rotation !== null) out.rotation = item.rotation;
  return out;
}

function position(props: { x?: number | undefined; y?: number | undefined }): ItemInput['position'] | undefined {
  if (props.x === undefined && props.y === undefined) return undefined;
  return { ...(props.x === undefined ? {} : { x: props.x }), ...(props.y === undefined ? {} : { y: props.y }) };
}

/** The SDK's flat fields as the domain's item input: text fields go to `data`, the rest where they belong. */
function itemInput(props: ItemChangesProps & { parentId?: string }): ItemInput {
  const input: ItemInput = {};
  const data: Record<string, unknown> = {};
  if (props.content !== undefined) data.content = props.content;
  if (props.shape !== undefined) data.shape = props.shape;
  if (props.title !== undefined) data.title = props.title;
  if (Object.keys(data).length > 0) input.data = data;
  if (props.style !== undefined) input.style = props.style;
  const at = position(props);
  if (at) input.position = at;
  if (props.width !== undefined || props.height !== undefined || props.rotation !== undefined) {
    input.geometry = {
      ...(props.width === undefined ? {} : { width: props.width }),
      ...(props.height === undefined ? {} : { height: props.height }),
      ...(props.rotation === undefined ? {} : { rotation: props.rotation }),
    };
  }
  if (props.parentId !== undefined) input.parent = { id: props.parentId };
  return input;
}

const compiledChanges = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();

function checkChanges(type: string, schema: TSchema, changes: ItemChangesProps): void {
  let check = compiledChanges.get(type);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiledChanges.set(type, check);
  }
  if (check.Check(changes)) return;
  const first = check.Errors(changes).First();
  const field = first?.path ? first.path.slice(1).replaceAll('/', '.') : 'the change';
  throw new ValidationError(`A ${type} cannot take this ${field}: ${first?.message ?? 'not valid'}.`, field);
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
      return presentSdkItem(await services.items.create(actor, boardId, 'sticky_note', itemInput(props)));
    },

    /** Creates a shape, text or frame from the SDK's flat props (checked by the caller's schema). */
    async create(actor: Actor, boardId: string, type: 'shape' | 'text' | 'frame', props: ItemChangesProps) {
      return presentSdkItem(await services.items.create(actor, boardId, type, itemInput(props)));
    },

    /** `sync()`: the changes must fit the item's type; items the SDK cannot edit yet only move. */
    async update(actor: Actor, boardId: string, itemId: string, changes: ItemChangesProps): Promise<SdkItem> {
      const current = await services.items.get(actor, boardId, itemId);
      const schema = CHANGES_BY_TYPE[current.type];
      if (schema) {
        checkChanges(current.type, schema, changes);
        const type = current.type as 'sticky_note' | 'shape' | 'text' | 'frame';
        return presentSdkItem(await services.items.update(actor, boardId, itemId, type, itemInput(changes)));
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
