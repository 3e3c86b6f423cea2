import { CloneType, Type } from '@sinclair/typebox';
import { BoardIdParam, closed, ItemId, PageLinks, SelfLink } from './common.js';
import { GenericItem } from './items.js';

/** Miro's group request: `{ data: { items: [id, …] } }`, as the official client sends it. */
export const GroupRequest = Type.Object(
  {
    data: Type.Object(
      {
        items: Type.Array(CloneType(ItemId, { description: 'An item of the board.' }), {
          minItems: 2,
          maxItems: 500,
          description: 'The items of the group: at least two, each in no other group.',
        }),
      },
      closed,
    ),
  },
  closed,
);

export const GroupResponse = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('group'),
    data: Type.Object({ items: Type.Array(Type.String()) }, closed),
    links: SelfLink,
  },
  closed,
);

export const GroupsPage = Type.Object(
  {
    data: Type.Array(GroupResponse),
    size: Type.Integer(),
    limit: Type.Integer(),
    cursor: Type.Optional(Type.String({ description: 'Pass it back to get the next page; absent on the last page.' })),
    links: PageLinks,
  },
  closed,
);

const CursorLimit = {
  limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 50, default: 10 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The cursor of the previous page.' })),
};

export const GroupsQuery = Type.Object(CursorLimit, closed);

export const GroupItemsQuery = Type.Object(
  { ...CursorLimit, group_item_id: CloneType(ItemId, { description: 'The group whose items to list.' }) },
  closed,
);

export const GroupItemsPage = Type.Object(
  {
    data: Type.Object({ id: Type.String(), type: Type.Literal('group'), data: Type.Array(GenericItem) }, closed),
    total: Type.Integer({ description: 'Every item of the group.' }),
    size: Type.Integer(),
    limit: Type.Integer(),
    cursor: Type.Optional(Type.String()),
    links: PageLinks,
  },
  closed,
);

export const GroupParams = Type.Object(
  { board_id: BoardIdParam, group_id: Type.String({ minLength: 1, maxLength: 100, description: 'The group id.' }) },
  closed,
);

export const DeleteGroupQuery = Type.Object(
  {
    delete_items: Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true: the items go too.' }),
  },
  closed,
);
