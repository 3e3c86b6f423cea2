import { CloneType, FormatRegistry, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';

/** A closed string enum; the OpenAPI document shows it as `enum`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  );
}

/** Request objects are closed: an unknown field is a mistake worth a 400, not something to drop. */
export const closed = { additionalProperties: false } as const;

// TypeBox knows no formats until they are registered. Grantboard's timestamps are always UTC with `Z`.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) && !Number.isNaN(Date.parse(value)),
  );
}

/** Wire timestamps: ISO 8601 in UTC with `Z`. */
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-29T12:00:00.000Z'] });

/** Coordinates on the board: finite, and far beyond any board anyone draws. */
export const Coordinate = Type.Number({ minimum: -1e9, maximum: 1e9 });

export const Size = Type.Number({ minimum: 8, maximum: 100_000 });

export const PositionChange = Type.Object(
  {
    x: Type.Optional(CloneType(Coordinate, { description: 'X-axis coordinate; the board centre is 0. Default: 0.' })),
    y: Type.Optional(CloneType(Coordinate, { description: 'Y-axis coordinate; the board centre is 0. Default: 0.' })),
  },
  closed,
);

export const Position = Type.Object(
  {
    x: Type.Number(),
    y: Type.Number(),
    origin: Type.Literal('center'),
    relativeTo: StringEnum(['canvas_center', 'parent_top_left']),
  },
  closed,
);

export const ItemId = Type.String({ pattern: '^[0-9]{1,30}$', description: 'An item id: a numeric string.' });

export const ParentChange = Type.Object(
  { id: CloneType(ItemId, { description: 'The id of the frame to place the item in.' }) },
  closed,
);

export const SelfLink = Type.Object({ self: Type.String() }, closed);

export const ParentWithLinks = Type.Object({ id: Type.String(), links: SelfLink }, closed);

/** Users on items carry only an id and a type, as in Miro's item schema. */
export const ItemUser = Type.Object({ id: Type.String(), type: Type.Literal('user') }, closed);

/** The end every item response with a parent shares: who made and last changed it, its parent, its link. */
export const itemProvenance = {
  createdAt: Timestamp,
  createdBy: ItemUser,
  modifiedAt: Timestamp,
  modifiedBy: ItemUser,
  parent: Type.Optional(ParentWithLinks),
  links: SelfLink,
};

export const NamedUser = Type.Object({ id: Type.String(), name: Type.String(), type: Type.Literal('user') }, closed);

export const PageLinks = Type.Object(
  {
    self: Type.String(),
    first: Type.Optional(Type.String()),
    last: Type.Optional(Type.String()),
    next: Type.Optional(Type.String()),
    prev: Type.Optional(Type.String()),
  },
  closed,
);

export const BoardIdParam = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'The board id, percent-encoded in the path (e.g. `uXjVOD6LSME%3D`).',
});

export const BoardParams = Type.Object({ board_id: BoardIdParam }, closed);

export const ItemParams = Type.Object(
  { board_id: BoardIdParam, item_id: Type.String({ minLength: 1, maxLength: 100, description: 'The item id.' }) },
  closed,
);

/** Miro's error envelope (ARCHITECTURE.md decision 12). */
export const ErrorBody = Type.Object(
  {
    status: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    type: Type.Literal('error'),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  closed,
);

export const Offset = Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 });

export type Schema = TSchema;
