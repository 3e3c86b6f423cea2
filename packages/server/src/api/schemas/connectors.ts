import { CloneType, Type } from '@sinclair/typebox';
import { closed, ItemId, ItemUser, PageLinks, SelfLink, StringEnum, Timestamp } from './common.js';
import { HexColor } from './texts.js';

/** 0% to 100%, as Miro writes a point on an item's box or along the line. */
const Percent = Type.String({ pattern: '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)%$', examples: ['50%'] });

const SNAP_TO = ['auto', 'top', 'right', 'bottom', 'left'] as const;
const STROKE_CAPS = [
  'none',
  'stealth',
  'rounded_stealth',
  'diamond',
  'filled_diamond',
  'oval',
  'filled_oval',
  'arrow',
  'triangle',
  'filled_triangle',
  'erd_one',
  'erd_many',
  'erd_only_one',
  'erd_zero_or_one',
  'erd_one_or_many',
  'erd_zero_or_many',
] as const;

export const RelativeOffset = Type.Object(
  {
    x: CloneType(Percent, { description: '0% is the left edge.' }),
    y: CloneType(Percent, { description: '0% is the top.' }),
  },
  closed,
);

function connectionEnd(required: boolean) {
  const id = CloneType(ItemId, { description: 'The item the line is attached to; frames cannot be.' });
  return Type.Object(
    {
      id: required ? id : Type.Optional(id),
      position: Type.Optional(CloneType(RelativeOffset, { description: 'Where on the item; or set snapTo.' })),
      snapTo: Type.Optional(
        StringEnum(SNAP_TO, { description: 'The side to attach to; or set position. Default: auto.' }),
      ),
    },
    closed,
  );
}

export const Caption = Type.Object(
  {
    content: Type.String({ maxLength: 200, description: 'The text; simple HTML is kept as sent.' }),
    position: Type.Optional(CloneType(Percent, { description: 'Along the line. Default: 50%.' })),
    textAlignVertical: Type.Optional(StringEnum(['top', 'middle', 'bottom'], { description: 'Default: middle.' })),
  },
  closed,
);

const ConnectorStyleChange = Type.Object(
  {
    color: Type.Optional(CloneType(HexColor, { description: 'Caption text. Default: #1a1a1a.' })),
    startStrokeCap: Type.Optional(StringEnum(STROKE_CAPS, { description: 'Default: none.' })),
    endStrokeCap: Type.Optional(StringEnum(STROKE_CAPS, { description: 'Default: stealth.' })),
    fontSize: Type.Optional(
      Type.String({ pattern: '^([1-9][0-9]|[12][0-9]{2})$', description: '10 to 288. Default: 14.' }),
    ),
    strokeColor: Type.Optional(CloneType(HexColor, { description: 'Default: #000000.' })),
    strokeStyle: Type.Optional(StringEnum(['normal', 'dotted', 'dashed'], { description: 'Default: normal.' })),
    strokeWidth: Type.Optional(
      Type.String({ pattern: '^([1-9]|1[0-9]|2[0-4])(\\.[0-9])?$', description: '1 to 24. Default: 1.0.' }),
    ),
    textOrientation: Type.Optional(StringEnum(['horizontal', 'aligned'], { description: 'Default: aligned.' })),
  },
  closed,
);

const connectorFields = {
  shape: Type.Optional(StringEnum(['straight', 'elbowed', 'curved'], { description: 'Default: curved.' })),
  captions: Type.Optional(Type.Array(Caption, { maxItems: 20 })),
  style: Type.Optional(ConnectorStyleChange),
};

export const ConnectorCreateRequest = Type.Object(
  { startItem: connectionEnd(true), endItem: connectionEnd(true), ...connectorFields },
  closed,
);

export const ConnectorUpdateRequest = Type.Object(
  { startItem: Type.Optional(connectionEnd(false)), endItem: Type.Optional(connectionEnd(false)), ...connectorFields },
  closed,
);

const ConnectedItem = Type.Object(
  { id: Type.String(), links: SelfLink, position: Type.Optional(RelativeOffset) },
  closed,
);

export const ConnectorWithLinks = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('connector'),
    isSupported: Type.Boolean(),
    shape: Type.String(),
    startItem: ConnectedItem,
    endItem: ConnectedItem,
    captions: Type.Array(
      Type.Object({ content: Type.String(), position: Type.String(), textAlignVertical: Type.String() }, closed),
    ),
    style: Type.Record(Type.String(), Type.String()),
    createdAt: Timestamp,
    createdBy: ItemUser,
    modifiedAt: Timestamp,
    modifiedBy: ItemUser,
    links: SelfLink,
  },
  closed,
);

export const ConnectorsPage = Type.Object(
  {
    data: Type.Array(ConnectorWithLinks),
    total: Type.Integer(),
    size: Type.Integer(),
    limit: Type.Integer(),
    cursor: Type.Optional(Type.String({ description: 'Pass it back to get the next page; absent on the last page.' })),
    links: PageLinks,
  },
  closed,
);

export const ConnectorsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 50, default: 10 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The cursor of the previous page.' })),
  },
  closed,
);

export const ConnectorParams = Type.Object(
  {
    board_id: Type.String({ minLength: 1, maxLength: 100, description: 'The board id.' }),
    connector_id: Type.String({ minLength: 1, maxLength: 100, description: 'The connector id.' }),
  },
  closed,
);
