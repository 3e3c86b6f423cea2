import { CloneType, Type } from '@sinclair/typebox';
import { closed, itemProvenance, ParentChange, Position, PositionChange, Size, StringEnum } from './common.js';

export const STICKY_NOTE_COLORS = [
  'gray',
  'light_yellow',
  'yellow',
  'orange',
  'light_green',
  'green',
  'dark_green',
  'cyan',
  'light_pink',
  'pink',
  'violet',
  'red',
  'light_blue',
  'blue',
  'dark_blue',
  'black',
] as const;

/** Item text: Miro accepts simple HTML in it; Grantboard stores it as given and never renders it unescaped. */
export const Content = Type.String({ maxLength: 6000 });

export const StickyNoteData = Type.Object(
  {
    content: Type.Optional(CloneType(Content, { description: 'The text on the sticky note. Default: empty.' })),
    shape: Type.Optional(StringEnum(['square', 'rectangle'], { description: 'Default: square.' })),
  },
  closed,
);

export const StickyNoteStyle = Type.Object(
  {
    fillColor: Type.Optional(StringEnum(STICKY_NOTE_COLORS, { description: 'Default: light_yellow.' })),
    textAlign: Type.Optional(StringEnum(['left', 'right', 'center'], { description: 'Default: center.' })),
    textAlignVertical: Type.Optional(StringEnum(['top', 'middle', 'bottom'], { description: 'Default: top.' })),
  },
  closed,
);

export const StickyNoteGeometryChange = Type.Object(
  {
    width: Type.Optional(Size),
    height: Type.Optional(Size),
  },
  {
    additionalProperties: false,
    description: 'Width or height, not both: a sticky note keeps the proportions of its shape.',
  },
);

export const StickyNoteRequest = Type.Object(
  {
    data: Type.Optional(StickyNoteData),
    style: Type.Optional(StickyNoteStyle),
    position: Type.Optional(PositionChange),
    geometry: Type.Optional(StickyNoteGeometryChange),
    parent: Type.Optional(ParentChange),
  },
  closed,
);

export const StickyNote = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('sticky_note'),
    data: Type.Object({ content: Type.String(), shape: StringEnum(['square', 'rectangle']) }, closed),
    style: Type.Object(
      {
        fillColor: StringEnum(STICKY_NOTE_COLORS),
        textAlign: StringEnum(['left', 'right', 'center']),
        textAlignVertical: StringEnum(['top', 'middle', 'bottom']),
      },
      closed,
    ),
    position: Position,
    geometry: Type.Object({ width: Type.Number(), height: Type.Number() }, closed),
    ...itemProvenance,
  },
  closed,
);
