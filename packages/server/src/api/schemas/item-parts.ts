import { CloneType, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { closed, itemProvenance, Position, Size, StringEnum } from './common.js';

/** A web address an item shows or links to: http or https, stored as given and never fetched here. */
export const WebUrl = Type.String({
  maxLength: 2048,
  pattern: '^https?://[^\\s]+$',
  description: 'An http or https URL.',
  examples: ['https://example.com/picture.png'],
});

export const Rotation = Type.Number({ minimum: -360, maximum: 360, description: 'Degrees, clockwise.' });

/** Width, height and rotation, each optional (Miro's `Geometry`). */
export function FreeGeometry(defaults: { width: number; height: number }) {
  return Type.Object(
    {
      width: Type.Optional(CloneType(Size, { description: `Default: ${defaults.width}.` })),
      height: Type.Optional(CloneType(Size, { description: `Default: ${defaults.height}.` })),
      rotation: Type.Optional(Rotation),
    },
    closed,
  );
}

/** Miro's `FixedRatioGeometry`: the width or the height (not both); the other side keeps the proportions. */
export function FixedRatioGeometry(rotates: boolean) {
  return Type.Object(
    {
      width: Type.Optional(CloneType(Size, { description: 'Set the width or the height, not both.' })),
      height: Type.Optional(CloneType(Size, { description: 'Set the width or the height, not both.' })),
      ...(rotates ? { rotation: Type.Optional(Rotation) } : {}),
    },
    closed,
  );
}

export const GeometryOut = Type.Object(
  { width: Type.Number(), height: Type.Number(), rotation: Type.Optional(Type.Number()) },
  closed,
);

/** An item in the shape of its own endpoint: id, type, data, (style), position, geometry, provenance, links. */
export function TypedItem<D extends TProperties>(type: string, data: TObject<D>, style?: TObject, geometry = true) {
  return Type.Object(
    {
      id: Type.String(),
      type: Type.Literal(type),
      data,
      ...(style ? { style } : {}),
      position: Position,
      ...(geometry ? { geometry: GeometryOut } : {}),
      ...itemProvenance,
    },
    closed,
  );
}

export { StringEnum };
