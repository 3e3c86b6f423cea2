import { CloneType, Type } from '@sinclair/typebox';
import {
  closed,
  ItemId,
  ItemUser,
  PageLinks,
  ParentChange,
  Position,
  PositionChange,
  SelfLink,
  StringEnum,
  Timestamp,
} from './common.js';

/** Every item type Miro names; Grantboard stores all but previews and data table formats. */
export const MIRO_ITEM_TYPES = [
  'text',
  'shape',
  'sticky_note',
  'image',
  'document',
  'card',
  'app_card',
  'preview',
  'frame',
  'embed',
  'doc_format',
  'data_table_format',
] as const;

export const GenericItem = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    position: Position,
    geometry: Type.Optional(
      Type.Object({ width: Type.Number(), height: Type.Number(), rotation: Type.Optional(Type.Number()) }, closed),
    ),
    parent: Type.Optional(Type.Object({ id: Type.String() }, closed)),
    createdAt: Timestamp,
    createdBy: ItemUser,
    modifiedAt: Timestamp,
    modifiedBy: ItemUser,
    links: SelfLink,
  },
  closed,
);

export const ItemsPage = Type.Object(
  {
    data: Type.Array(GenericItem),
    total: Type.Integer({ description: 'Every item matching the filter, on all pages.' }),
    size: Type.Integer(),
    limit: Type.Integer(),
    cursor: Type.Optional(Type.String({ description: 'Pass it back to get the next page; absent on the last page.' })),
    links: PageLinks,
    type: Type.Literal('cursor-list'),
  },
  closed,
);

export const ItemsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 50, default: 10 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The cursor of the previous page.' })),
    type: Type.Optional(StringEnum(MIRO_ITEM_TYPES)),
  },
  closed,
);

export const FrameItemsQuery = Type.Object(
  {
    parent_item_id: CloneType(ItemId, { description: 'The frame whose items to list.' }),
    ...ItemsQuery.properties,
  },
  closed,
);

export const GenericItemUpdate = Type.Object(
  { position: Type.Optional(PositionChange), parent: Type.Optional(ParentChange) },
  closed,
);
