import { CloneType, Type } from '@sinclair/typebox';
import { closed, ItemUser, Position, PositionChange, SelfLink, Size, StringEnum, Timestamp } from './common.js';
import { HexColor } from './texts.js';

export const FrameData = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 1000, description: 'Default: empty.' })),
    format: Type.Optional(StringEnum(['custom'], { description: 'Only custom frames are supported, as in Miro.' })),
    type: Type.Optional(StringEnum(['freeform'], { description: 'Only freeform frames are supported, as in Miro.' })),
    showContent: Type.Optional(Type.Boolean({ description: 'Default: true.' })),
  },
  closed,
);

const frameFields = {
  style: Type.Optional(
    Type.Object({ fillColor: Type.Optional(CloneType(HexColor, { description: 'Default: #ffffffff.' })) }, closed),
  ),
  position: Type.Optional(PositionChange),
  geometry: Type.Optional(
    Type.Object(
      {
        width: Type.Optional(CloneType(Size, { description: 'Default: 800.' })),
        height: Type.Optional(CloneType(Size, { description: 'Default: 450.' })),
      },
      closed,
    ),
  ),
};

export const FrameCreateRequest = Type.Object({ data: FrameData, ...frameFields }, closed);

export const FrameUpdateRequest = Type.Object({ data: Type.Optional(FrameData), ...frameFields }, closed);

export const FrameItem = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('frame'),
    data: Type.Object(
      { title: Type.String(), format: Type.String(), type: Type.String(), showContent: Type.Boolean() },
      closed,
    ),
    style: Type.Object({ fillColor: Type.String() }, closed),
    position: Position,
    geometry: Type.Object({ width: Type.Number(), height: Type.Number() }, closed),
    createdAt: Timestamp,
    createdBy: ItemUser,
    modifiedAt: Timestamp,
    modifiedBy: ItemUser,
    links: SelfLink,
  },
  closed,
);
