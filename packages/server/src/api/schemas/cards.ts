import { CloneType, Type } from '@sinclair/typebox';
import { closed, ItemId, ParentChange, PositionChange, StringEnum, Timestamp } from './common.js';
import { FreeGeometry, TypedItem, WebUrl } from './item-parts.js';
import { Content } from './sticky-notes.js';
import { HexColor } from './texts.js';

const CARD_SIZE = { width: 320, height: 94 };

export const CardData = Type.Object(
  {
    title: Type.Optional(CloneType(Content, { description: 'The header of the card. Default: empty.' })),
    description: Type.Optional(CloneType(Content, { description: 'Default: empty.' })),
    assigneeId: Type.Optional(CloneType(ItemId, { description: 'The user the card is assigned to.' })),
    dueDate: Type.Optional(CloneType(Timestamp, { description: 'When the task is due, in UTC.' })),
  },
  closed,
);

const cardFields = {
  data: Type.Optional(CardData),
  style: Type.Optional(
    Type.Object({ cardTheme: Type.Optional(CloneType(HexColor, { description: 'Default: #2d9bf0.' })) }, closed),
  ),
  position: Type.Optional(PositionChange),
  geometry: Type.Optional(FreeGeometry(CARD_SIZE)),
  parent: Type.Optional(ParentChange),
};

export const CardRequest = Type.Object(cardFields, closed);

export const CardItem = TypedItem(
  'card',
  Type.Object(
    {
      title: Type.String(),
      description: Type.String(),
      assigneeId: Type.Optional(Type.String()),
      dueDate: Type.Optional(Type.String()),
    },
    closed,
  ),
  Type.Object({ cardTheme: Type.String() }, closed),
);

export const APP_CARD_STATUSES = ['disconnected', 'connected', 'disabled'] as const;

/** A preview field on the bottom of an app card (Miro's `CustomField`). */
export const CustomField = Type.Object(
  {
    value: Type.Optional(Type.String({ maxLength: 500 })),
    tooltip: Type.Optional(Type.String({ maxLength: 500 })),
    fillColor: Type.Optional(HexColor),
    textColor: Type.Optional(HexColor),
    iconShape: Type.Optional(StringEnum(['round', 'square'], { description: 'Default: round.' })),
    iconUrl: Type.Optional(CloneType(WebUrl, { description: 'An image (JPG, PNG or SVG) shown beside the value.' })),
  },
  closed,
);

export const AppCardData = Type.Object(
  {
    title: Type.Optional(CloneType(Content, { description: 'Default: sample app card item.' })),
    description: Type.Optional(CloneType(Content, { description: 'Default: empty.' })),
    fields: Type.Optional(Type.Array(CustomField, { maxItems: 50, description: 'Default: none.' })),
    status: Type.Optional(StringEnum(APP_CARD_STATUSES, { description: 'Default: disconnected.' })),
  },
  closed,
);

export const AppCardRequest = Type.Object(
  {
    ...cardFields,
    data: Type.Optional(AppCardData),
    style: Type.Optional(
      Type.Object({ fillColor: Type.Optional(CloneType(HexColor, { description: 'Default: #2d9bf0.' })) }, closed),
    ),
  },
  closed,
);

export const AppCardItem = TypedItem(
  'app_card',
  Type.Object(
    {
      title: Type.String(),
      description: Type.String(),
      fields: Type.Array(Type.Record(Type.String(), Type.String())),
      status: StringEnum(APP_CARD_STATUSES),
      owned: Type.Boolean({ description: 'Whether the calling app created the card (and so owns it).' }),
    },
    closed,
  ),
  Type.Object({ fillColor: Type.String() }, closed),
);
