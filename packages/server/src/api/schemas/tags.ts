import { CloneType, Type } from '@sinclair/typebox';
import { BoardIdParam, closed, Offset, PageLinks, SelfLink, StringEnum } from './common.js';
import { GenericItem } from './items.js';

/** Miro's tag colours (spec.json `TagCreateRequest.fillColor`). */
export const TagColor = StringEnum([
  'red',
  'light_green',
  'cyan',
  'yellow',
  'magenta',
  'green',
  'blue',
  'gray',
  'violet',
  'dark_green',
  'dark_blue',
  'black',
]);

const Title = Type.String({ minLength: 0, maxLength: 120, description: 'Case-sensitive; unique on the board.' });

export const TagId = Type.String({ minLength: 1, maxLength: 100, description: 'The tag id.' });

export const TagParams = Type.Object({ board_id: BoardIdParam, tag_id: TagId }, closed);

export const TagCreateRequest = Type.Object(
  { title: Title, fillColor: Type.Optional(CloneType(TagColor, { default: 'red', description: 'Default: red.' })) },
  closed,
);

export const TagUpdateRequest = Type.Object(
  { title: Type.Optional(Title), fillColor: Type.Optional(TagColor) },
  closed,
);

const tagFields = { id: Type.String(), type: Type.Literal('tag'), title: Type.String(), fillColor: Type.String() };

/** A tag in lists, as Miro's `Tag`. */
export const TagSummary = Type.Object(tagFields, closed);

/** A tag on its own, as Miro's `TagWithLinks`. */
export const TagWithLinks = Type.Object({ ...tagFields, links: SelfLink }, closed);

export const TagsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
    offset: Type.Optional(Offset),
  },
  closed,
);

export const TagsPage = Type.Object(
  {
    data: Type.Array(TagSummary),
    total: Type.Integer(),
    size: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    links: PageLinks,
    type: Type.Literal('list'),
  },
  closed,
);

/** `GET …/items/{item_id}/tags`: Miro's `GetTagsResponse`. */
export const ItemTags = Type.Object({ tags: Type.Array(TagSummary) }, closed);

export const TagQuery = Type.Object(
  { tag_id: CloneType(TagId, { description: 'The tag to attach or remove.' }) },
  closed,
);

export const TaggedItemsQuery = Type.Object(
  {
    tag_id: CloneType(TagId, { description: 'Items that carry this tag.' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
    offset: Type.Optional(Offset),
  },
  closed,
);

/** `GET …/items?tag_id=`: Miro's `ItemPagedResponse`, paged by offset. */
export const TaggedItemsPage = Type.Object(
  {
    data: Type.Array(GenericItem),
    total: Type.Integer(),
    size: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    links: PageLinks,
    type: Type.Literal('list'),
  },
  closed,
);
