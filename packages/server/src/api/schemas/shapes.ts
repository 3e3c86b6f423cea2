import { CloneType, Type } from '@sinclair/typebox';
import { closed, itemProvenance, ParentChange, Position, PositionChange, Size, StringEnum } from './common.js';
import { Content } from './sticky-notes.js';
import { FONT_FAMILIES, HexColor } from './texts.js';

export const SHAPES = [
  'rectangle',
  'round_rectangle',
  'circle',
  'triangle',
  'rhombus',
  'parallelogram',
  'trapezoid',
  'pentagon',
  'hexagon',
  'octagon',
  'wedge_round_rectangle_callout',
  'star',
  'flow_chart_predefined_process',
  'cloud',
  'cross',
  'can',
  'right_arrow',
  'left_arrow',
  'left_right_arrow',
  'left_brace',
  'right_brace',
] as const;

/** Miro writes opacities and widths as decimal strings. */
const Opacity = Type.String({ pattern: '^(0(\\.[0-9]{1,3})?|1(\\.0{1,3})?)$', description: '0.0 to 1.0.' });

export const ShapeData = Type.Object(
  {
    content: Type.Optional(CloneType(Content, { description: 'The text in the shape. Default: empty.' })),
    shape: Type.Optional(StringEnum(SHAPES, { description: 'Default: rectangle.' })),
  },
  closed,
);

export const ShapeStyle = Type.Object(
  {
    fillColor: Type.Optional(CloneType(HexColor, { description: 'Default: #ffffff.' })),
    fillOpacity: Type.Optional(CloneType(Opacity, { description: '0.0 to 1.0. Default: 1.0.' })),
    fontFamily: Type.Optional(StringEnum(FONT_FAMILIES, { description: 'Default: arial.' })),
    fontSize: Type.Optional(
      Type.String({ pattern: '^([1-9][0-9]|[12][0-9]{2})$', description: '10 to 288. Default: 14.' }),
    ),
    borderColor: Type.Optional(CloneType(HexColor, { description: 'Default: #1a1a1a.' })),
    borderWidth: Type.Optional(
      Type.String({ pattern: '^([1-9]|1[0-9]|2[0-4])(\\.[0-9])?$', description: '1.0 to 24.0. Default: 2.0.' }),
    ),
    borderOpacity: Type.Optional(CloneType(Opacity, { description: '0.0 to 1.0. Default: 1.0.' })),
    borderStyle: Type.Optional(StringEnum(['normal', 'dotted', 'dashed'], { description: 'Default: normal.' })),
    color: Type.Optional(CloneType(HexColor, { description: 'Text colour. Default: #1a1a1a.' })),
    textAlign: Type.Optional(StringEnum(['left', 'right', 'center'], { description: 'Default: center.' })),
    textAlignVertical: Type.Optional(StringEnum(['top', 'middle', 'bottom'], { description: 'Default: top.' })),
  },
  closed,
);

const shapeFields = {
  data: Type.Optional(ShapeData),
  style: Type.Optional(ShapeStyle),
  position: Type.Optional(PositionChange),
  geometry: Type.Optional(
    Type.Object(
      {
        width: Type.Optional(CloneType(Size, { description: 'Default: 200.' })),
        height: Type.Optional(CloneType(Size, { description: 'Default: 200.' })),
        rotation: Type.Optional(Type.Number({ minimum: -360, maximum: 360 })),
      },
      closed,
    ),
  ),
  parent: Type.Optional(ParentChange),
};

export const ShapeRequest = Type.Object(shapeFields, closed);

export const ShapeItem = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('shape'),
    data: Type.Object({ content: Type.String(), shape: StringEnum(SHAPES) }, closed),
    style: Type.Object(
      {
        fillColor: Type.String(),
        fillOpacity: Type.String(),
        fontFamily: Type.String(),
        fontSize: Type.String(),
        borderColor: Type.String(),
        borderWidth: Type.String(),
        borderOpacity: Type.String(),
        borderStyle: Type.String(),
        color: Type.String(),
        textAlign: Type.String(),
        textAlignVertical: Type.String(),
      },
      closed,
    ),
    position: Position,
    geometry: Type.Object({ width: Type.Number(), height: Type.Number(), rotation: Type.Number() }, closed),
    ...itemProvenance,
  },
  closed,
);
