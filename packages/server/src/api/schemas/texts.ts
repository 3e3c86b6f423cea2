import { CloneType, Type } from '@sinclair/typebox';
import { closed, itemProvenance, ParentChange, Position, PositionChange, StringEnum } from './common.js';
import { Content } from './sticky-notes.js';

export const FONT_FAMILIES = [
  'arial',
  'abril_fatface',
  'bangers',
  'eb_garamond',
  'georgia',
  'graduate',
  'gravitas_one',
  'fredoka_one',
  'nixie_one',
  'open_sans',
  'permanent_marker',
  'pt_sans',
  'pt_sans_narrow',
  'pt_serif',
  'rammetto_one',
  'roboto',
  'roboto_condensed',
  'roboto_slab',
  'caveat',
  'times_new_roman',
  'titan_one',
  'lemon_tuesday',
  'roboto_mono',
  'noto_sans',
  'plex_sans',
  'plex_serif',
  'plex_mono',
  'spoof',
  'tiempos_text',
  'formular',
] as const;

export const HexColor = Type.String({ pattern: '^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$', examples: ['#1a1a1a'] });

export const TextStyle = Type.Object(
  {
    color: Type.Optional(CloneType(HexColor, { description: 'Text colour. Default: #1a1a1a.' })),
    fillColor: Type.Optional(
      Type.String({
        pattern: '^(#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})|transparent)$',
        description: 'Background colour. Default: transparent.',
      }),
    ),
    fillOpacity: Type.Optional(
      Type.String({ pattern: '^(0(\\.[0-9]{1,3})?|1(\\.0{1,3})?)$', description: '0.0 to 1.0. Default: 1.0.' }),
    ),
    fontFamily: Type.Optional(StringEnum(FONT_FAMILIES, { description: 'Default: arial.' })),
    fontSize: Type.Optional(
      Type.String({
        pattern: '^([1-9][0-9]|[12][0-9]{2}|3[0-9]{2}|4[0-9]{2}|500)$',
        description: '10 to 500. Default: 14.',
      }),
    ),
    textAlign: Type.Optional(StringEnum(['left', 'right', 'center'], { description: 'Default: left.' })),
  },
  closed,
);

export const TextGeometryChange = Type.Object(
  {
    width: Type.Optional(Type.Number({ minimum: 8, maximum: 100_000 })),
    rotation: Type.Optional(Type.Number({ minimum: -360, maximum: 360 })),
  },
  { additionalProperties: false, description: 'The height follows the content.' },
);

const itemFields = {
  style: Type.Optional(TextStyle),
  position: Type.Optional(PositionChange),
  geometry: Type.Optional(TextGeometryChange),
  parent: Type.Optional(ParentChange),
};

export const TextCreateRequest = Type.Object(
  { data: Type.Object({ content: CloneType(Content, { minLength: 1 }) }, closed), ...itemFields },
  closed,
);

export const TextUpdateRequest = Type.Object(
  {
    data: Type.Optional(Type.Object({ content: Type.Optional(CloneType(Content, { minLength: 1 })) }, closed)),
    ...itemFields,
  },
  closed,
);

export const TextItem = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('text'),
    data: Type.Object({ content: Type.String() }, closed),
    style: Type.Object(
      {
        color: Type.String(),
        fillColor: Type.String(),
        fillOpacity: Type.String(),
        fontFamily: Type.String(),
        fontSize: Type.String(),
        textAlign: Type.String(),
      },
      closed,
    ),
    position: Position,
    geometry: Type.Object({ width: Type.Number(), height: Type.Number(), rotation: Type.Number() }, closed),
    ...itemProvenance,
  },
  closed,
);
