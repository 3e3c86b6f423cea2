import { Type } from '@sinclair/typebox';
import { closed, itemProvenance, ParentChange, Position, PositionChange, StringEnum } from './common.js';
import { GeometryOut } from './item-parts.js';

/** The types a bulk create takes (Miro's `ItemTypeChange`). */
export const BULK_TYPES = [
  'app_card',
  'text',
  'shape',
  'sticky_note',
  'image',
  'document',
  'card',
  'frame',
  'embed',
] as const;
export type BulkType = (typeof BULK_TYPES)[number];

/**
 * One item of a bulk create: its type, then the fields of that type's own create request, which
 * the route checks against that request's schema (so errors name `[2].data.content`).
 */
export const BulkItem = Type.Object(
  {
    type: StringEnum(BULK_TYPES),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    style: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    position: Type.Optional(PositionChange),
    geometry: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    parent: Type.Optional(ParentChange),
  },
  closed,
);

export const BulkCreateRequest = Type.Array(BulkItem, {
  minItems: 1,
  maxItems: 20,
  description: 'Up to 20 items, created together or not at all.',
});

export const BulkCreated = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          type: Type.String(),
          data: Type.Record(Type.String(), Type.Unknown()),
          style: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          position: Position,
          geometry: Type.Optional(GeometryOut),
          ...itemProvenance,
        },
        closed,
      ),
    ),
    type: Type.Literal('list'),
  },
  closed,
);
