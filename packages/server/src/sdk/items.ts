import type { SdkItem, SdkTag } from '@grantboard/protocol';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { APP_CARD_STATUSES, CustomField } from '../api/schemas/cards.js';
import { Coordinate, closed, ItemId, Size, StringEnum } from '../api/schemas/common.js';
import { WebUrl } from '../api/schemas/item-parts.js';
import { SHAPES, ShapeStyle } from '../api/schemas/shapes.js';
import { Content, StickyNoteStyle } from '../api/schemas/sticky-notes.js';
import { TextStyle } from '../api/schemas/texts.js';
import type { Actor } from '../domain/board-roles.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { imageDataUrlBytes, MAX_IMAGE_DATA_URL_LENGTH } from '../domain/image-data-url.js';
import type { ItemInput } from '../domain/item-types.js';
import type { ItemRow } from '../domain/model.js';
import type { Services } from '../domain/services.js';
import { MAX_TAGS_PER_ITEM, TAGGABLE } from '../domain/tag-service.js';

/** Miro's `tagIds` on sticky notes and cards: tags of the board, at most eight. */
const TagIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: MAX_TAGS_PER_ITEM });

/** Miro's Web SDK tag colours (`TagColor` in its typings: the REST API's twelve and `dark_gray`). */
export const SDK_TAG_COLORS = [
  'red',
  'magenta',
  'violet',
  'light_green',
  'green',
  'dark_green',
  'cyan',
  'blue',
  'dark_blue',
  'yellow',
  'gray',
  'black',
  'dark_gray',
] as const;

/** `createTag({title, color})`: the REST API's title rules (unique on the board, up to 120 characters). */
export const TagProps = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 120 })),
    color: Type.Optional(StringEnum(SDK_TAG_COLORS)),
  },
  closed,
);
export type TagProps = Static<typeof TagProps>;

/** A new sticky note as the Web SDK's `createStickyNote()` takes it (and the board page sends it). */
export const StickyNoteProps = Type.Object(
  {
    content: Type.Optional(Content),
    tagIds: Type.Optional(TagIds),
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

const HexColor = Type.String({ pattern: '^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$' });
const Placement = {
  x: Type.Optional(Coordinate),
  y: Type.Optional(Coordinate),
  width: Type.Optional(Size),
  height: Type.Optional(Size),
  rotation: Type.Optional(Rotation),
  parentId: Type.Optional(ItemId),
};

/** `createCard()`: the SDK sends Miro's `assignee.userId` as `assigneeId`. */
export const CardProps = Type.Object(
  {
    title: Type.Optional(Content),
    description: Type.Optional(Content),
    assigneeId: Type.Optional(ItemId),
    dueDate: Type.Optional(Type.String({ format: 'date-time' })),
    style: Type.Optional(Type.Object({ cardTheme: Type.Optional(HexColor) }, closed)),
    tagIds: Type.Optional(TagIds),
    ...Placement,
  },
  closed,
);

/** `createAppCard()`: Miro's `style.cardTheme` is stored as the app card's `fillColor`. */
export const AppCardProps = Type.Object(
  {
    title: Type.Optional(Content),
    description: Type.Optional(Content),
    fields: Type.Optional(Type.Array(CustomField, { maxItems: 50 })),
    status: Type.Optional(StringEnum(APP_CARD_STATUSES)),
    style: Type.Optional(Type.Object({ fillColor: Type.Optional(HexColor) }, closed)),
    ...Placement,
  },
  closed,
);

/** Miro's image data URL (`data:image/png;base64,…`); the type and the bytes are checked after the schema. */
const ImageDataUrl = Type.String({ maxLength: MAX_IMAGE_DATA_URL_LENGTH, pattern: '^data:image/' });

/** `createImage({url})`: an http(s) address stored as given and never fetched, or a data URL stored as the item's file. */
export const ImageProps = Type.Object(
  { url: Type.Union([WebUrl, ImageDataUrl]), title: Type.Optional(Type.String({ maxLength: 1000 })), ...Placement },
  closed,
);

/** `createEmbed({url, previewUrl, mode})`: drawn as a preview box; the board never loads the page. */
export const EmbedProps = Type.Object(
  {
    url: WebUrl,
    previewUrl: Type.Optional(WebUrl),
    mode: Type.Optional(StringEnum(['inline', 'modal'])),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
    width: Type.Optional(Size),
    height: Type.Optional(Size),
    parentId: Type.Optional(ItemId),
  },
  closed,
);

/** What `item.sync()` sends: the fields the app changed, checked against the item's own type. */
export const ItemChangesProps = Type.Object(
  {
    content: Type.Optional(Content),
    shape: Type.Optional(Type.String({ maxLength: 60 })),
    title: Type.Optional(Type.String({ maxLength: 6000 })),
    description: Type.Optional(Content),
    assigneeId: Type.Optional(ItemId),
    dueDate: Type.Optional(Type.String({ maxLength: 40 })),
    fields: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 50 })),
    status: Type.Optional(Type.String({ maxLength: 40 })),
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    previewUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    mode: Type.Optional(Type.String({ maxLength: 20 })),
    style: Type.Optional(Type.Object({}, { additionalProperties: true })),
    tagIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    /** Tags only. */
    color: Type.Optional(Type.String({ maxLength: 20 })),
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
  card: Type.Omit(CardProps, ['parentId']),
  app_card: Type.Omit(AppCardProps, ['parentId']),
  image: Type.Omit(ImageProps, ['parentId', 'url']),
  embed: Type.Omit(EmbedProps, ['parentId', 'url']),
};

/** The SDK's flat item fields that live in an item's `data`. */
const DATA_FIELDS = [
  'content',
  'shape',
  'title',
  'description',
  'assigneeId',
  'dueDate',
  'fields',
  'status',
  'url',
  'previewUrl',
  'mode',
] as const;

/** The item types the SDK creates and edits in all their fields. */
export type SdkItemType = 'sticky_note' | 'shape' | 'text' | 'frame' | 'card' | 'app_card' | 'image' | 'embed';

const iso = (ms: number) => new Date(ms).toISOString();

/** A tag in the Web SDK's shape (Miro's `Tag`: `color` where the REST API says `fillColor`). */
export function presentSdkTag(tag: { id: string; title: string; fillColor: string }): SdkTag {
  return { id: tag.id, type: 'tag', title: tag.title, color: tag.fillColor };
}

/**
 * An item in the Web SDK's flat shape; positions as the REST API has them (centre, relative to the
 * parent). Sticky notes and cards always carry `tagIds`, as in Miro.
 */
export function presentSdkItem(item: ItemRow, tagIds: string[] = []): SdkItem {
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
  for (const field of ['description', 'assigneeId', 'dueDate', 'status', 'previewUrl', 'mode'] as const) {
    if (typeof data[field] === 'string') out[field] = data[field] as string;
  }
  if (Array.isArray(data.fields)) out.fields = data.fields as Record<string, unknown>[];
  const url = data.imageUrl ?? data.url;
  if (typeof url === 'string') out.url = url;
  if (item.rotation !== null) out.rotation = item.rotation;
  if (TAGGABLE.has(item.type)) out.tagIds = tagIds;
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
  for (const field of DATA_FIELDS) if (props[field] !== undefined) data[field] = props[field];
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

type Connector = Awaited<ReturnType<Services['connectors']['get']>>;

/** Miro's Web SDK connector end: the item, and a snap side or a relative position (0 to 1). */
export const ConnectorEnd = Type.Object(
  {
    item: ItemId,
    snapTo: Type.Optional(StringEnum(['auto', 'top', 'right', 'bottom', 'left'])),
    position: Type.Optional(
      Type.Object({ x: Type.Number({ minimum: 0, maximum: 1 }), y: Type.Number({ minimum: 0, maximum: 1 }) }, closed),
    ),
  },
  closed,
);

/** `createConnector({start, end, shape, style, captions})`. */
export const ConnectorProps = Type.Object(
  {
    start: ConnectorEnd,
    end: ConnectorEnd,
    shape: Type.Optional(StringEnum(['straight', 'elbowed', 'curved'])),
    style: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 40 }))),
    captions: Type.Optional(
      Type.Array(
        Type.Object({ content: Content, position: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) }, closed),
        {
          maxItems: 20,
        },
      ),
    ),
  },
  closed,
);
export type ConnectorProps = Static<typeof ConnectorProps>;

const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;
const fraction = (value: string) => Number.parseFloat(value) / 100;

/** A connector in the Web SDK's shape: its ends name items; it has no box of its own. */
export function presentSdkConnector(connector: Connector): SdkItem {
  const end = (e: Connector['start']) => ({
    item: e.itemId,
    ...(e.snapTo === undefined ? {} : { snapTo: e.snapTo }),
    ...(e.position === undefined ? {} : { position: { x: fraction(e.position.x), y: fraction(e.position.y) } }),
  });
  return {
    id: connector.id,
    type: 'connector',
    x: 0,
    y: 0,
    width: 0,
    height: 0,
    origin: 'center',
    relativeTo: 'canvas_center',
    parentId: null,
    start: end(connector.start),
    end: end(connector.end),
    shape: connector.shape,
    style: connector.style,
    captions: connector.captions.map((c) => ({
      content: c.content,
      ...(c.position === undefined ? {} : { position: fraction(c.position) }),
    })),
    createdAt: iso(connector.createdAt),
    createdBy: connector.createdBy,
    modifiedAt: iso(connector.modifiedAt),
    modifiedBy: connector.modifiedBy,
  };
}

function connectorEnd(end: Static<typeof ConnectorEnd>) {
  return {
    id: end.item,
    ...(end.snapTo === undefined ? {} : { snapTo: end.snapTo }),
    ...(end.position === undefined ? {} : { position: { x: percent(end.position.x), y: percent(end.position.y) } }),
  };
}

/**
 * Item operations in the Web SDK's shapes, on the same domain services as the REST API: board roles
 * apply the same way, whether the board page or an app acts for the user.
 */
export function sdkItems(services: Services) {
  /** An item with its tags, read for it alone. */
  async function presentOne(actor: Actor, boardId: string, item: ItemRow): Promise<SdkItem> {
    if (!TAGGABLE.has(item.type)) return presentSdkItem(item);
    const tags = await services.tags.ofItem(actor, boardId, item.id);
    return presentSdkItem(
      item,
      tags.map((tag) => tag.id),
    );
  }

  /** `tagIds` of a new item: checked before the item is written, attached after. */
  async function createTagged(
    actor: Actor,
    boardId: string,
    tagIds: string[] | undefined,
    write: () => Promise<ItemRow>,
  ): Promise<SdkItem> {
    if (!tagIds || tagIds.length === 0) return presentSdkItem(await write());
    await services.tags.requireAll(actor, boardId, tagIds);
    const created = await write();
    await services.tags.setOnItem(actor, boardId, created.id, tagIds);
    return presentOne(actor, boardId, created);
  }

  async function tags(actor: Actor, boardId: string): Promise<SdkTag[]> {
    const out: SdkTag[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = await services.tags.list(actor, boardId, 50, offset);
      out.push(...page.tags.map(presentSdkTag));
      if (page.tags.length < 50) return out;
    }
  }

  return {
    tags,

    async list(actor: Actor, boardId: string): Promise<SdkItem[]> {
      const out: SdkItem[] = [];
      const tagged = await services.tags.attachmentsOnBoard(actor, boardId);
      let cursor: string | undefined;
      do {
        const page = await services.items.list(actor, boardId, { limit: 50, cursor });
        out.push(...page.items.map((item) => presentSdkItem(item, tagged.get(item.id))));
        cursor = page.cursor;
      } while (cursor !== undefined);
      // Connectors are items to the SDK, as on Miro.
      do {
        const page = await services.connectors.list(actor, boardId, { limit: 50, cursor });
        out.push(...page.connectors.map(presentSdkConnector));
        cursor = page.cursor;
      } while (cursor !== undefined);
      return out;
    },

    async createConnector(actor: Actor, boardId: string, props: ConnectorProps): Promise<SdkItem> {
      const created = await services.connectors.create(actor, boardId, {
        startItem: connectorEnd(props.start),
        endItem: connectorEnd(props.end),
        ...(props.shape === undefined ? {} : { shape: props.shape }),
        ...(props.style === undefined ? {} : { style: props.style }),
        ...(props.captions === undefined
          ? {}
          : {
              captions: props.captions.map((c) => ({
                content: c.content,
                ...(c.position === undefined ? {} : { position: percent(c.position) }),
              })),
            }),
      });
      return presentSdkConnector(created);
    },

    /** An item, a connector or a tag, by id (the SDK's `getById`). */
    async get(actor: Actor, boardId: string, itemId: string): Promise<SdkItem | SdkTag> {
      try {
        return await presentOne(actor, boardId, await services.items.get(actor, boardId, itemId));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      try {
        return presentSdkConnector(await services.connectors.get(actor, boardId, itemId));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        return presentSdkTag(await services.tags.get(actor, boardId, itemId));
      }
    },

    async createStickyNote(actor: Actor, boardId: string, props: StickyNoteProps): Promise<SdkItem> {
      return createTagged(actor, boardId, props.tagIds, () =>
        services.items.create(actor, boardId, 'sticky_note', itemInput(props)),
      );
    },

    /** Creates an item from the SDK's flat props (checked by the caller's schema). */
    async create(actor: Actor, boardId: string, type: Exclude<SdkItemType, 'sticky_note'>, props: ItemChangesProps) {
      if (type === 'image' && props.url?.startsWith('data:')) {
        // An image by data URL is stored as an uploaded file is, and shown from its address.
        const { url, ...rest } = props;
        const file = { type: 'image' as const, input: itemInput(rest), bytes: imageDataUrlBytes(url) };
        return createTagged(actor, boardId, props.tagIds, async () => {
          const [created] = await services.items.createFromFiles(actor, boardId, [file]);
          return created!;
        });
      }
      return createTagged(actor, boardId, props.tagIds, () =>
        services.items.create(actor, boardId, type, itemInput(props)),
      );
    },

    /** `createTag({title, color})`, through the REST API's tag service (titles unique on the board). */
    async createTag(actor: Actor, boardId: string, props: TagProps): Promise<SdkTag> {
      const created = await services.tags.create(actor, boardId, {
        title: props.title ?? '',
        ...(props.color === undefined ? {} : { fillColor: props.color }),
      });
      return presentSdkTag(created);
    },

    /**
     * `sync()`: the changes must fit the item's type; items the SDK cannot edit yet only move. A
     * tag takes its `title` and `color`. `tagIds` replace the item's tags, checked before anything
     * is written.
     */
    async update(actor: Actor, boardId: string, itemId: string, changes: ItemChangesProps): Promise<SdkItem | SdkTag> {
      let current: ItemRow;
      try {
        current = await services.items.get(actor, boardId, itemId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        const tag = await services.tags.get(actor, boardId, itemId);
        checkChanges('tag', TagProps, changes);
        const { title, color } = changes as TagProps;
        return presentSdkTag(
          await services.tags.update(actor, boardId, tag.id, {
            ...(title === undefined ? {} : { title }),
            ...(color === undefined ? {} : { fillColor: color }),
          }),
        );
      }
      const schema = CHANGES_BY_TYPE[current.type];
      if (schema) {
        checkChanges(current.type, schema, changes);
        const type = current.type as SdkItemType;
        const { tagIds, ...rest } = changes;
        if (tagIds !== undefined) await services.tags.setOnItem(actor, boardId, itemId, tagIds);
        return presentOne(actor, boardId, await services.items.update(actor, boardId, itemId, type, itemInput(rest)));
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

    /** An item, a connector or a tag (Miro's `board.remove(tag)` deletes the tag from the board). */
    async remove(actor: Actor, boardId: string, itemId: string): Promise<void> {
      try {
        await services.items.delete(actor, boardId, itemId);
        return;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      try {
        await services.connectors.delete(actor, boardId, itemId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        await services.tags.delete(actor, boardId, itemId);
      }
    },
  };
}

export type SdkItems = ReturnType<typeof sdkItems>;
