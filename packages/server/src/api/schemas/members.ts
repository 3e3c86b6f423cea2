import { CloneType, Type } from '@sinclair/typebox';
import { BoardRoleEnum } from './boards.js';
import { BoardIdParam, closed, Offset, PageLinks, SelfLink, StringEnum } from './common.js';

export const AssignableRole = StringEnum(['viewer', 'commenter', 'editor', 'coowner'], {
  description: 'Ownership cannot be given away by sharing or a role change.',
});

export const MemberParams = Type.Object(
  {
    board_id: BoardIdParam,
    board_member_id: Type.String({ minLength: 1, maxLength: 100, description: 'The user id.' }),
  },
  closed,
);

export const BoardMember = Type.Object(
  { id: Type.String(), name: Type.String(), role: BoardRoleEnum, type: Type.Literal('board_member'), links: SelfLink },
  closed,
);

export const BoardMembersPage = Type.Object(
  {
    data: Type.Array(BoardMember),
    total: Type.Integer(),
    size: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    links: PageLinks,
    type: Type.Literal('list'),
  },
  closed,
);

export const MembersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
    offset: Type.Optional(Offset),
  },
  closed,
);

export const ShareRequest = Type.Object(
  {
    emails: Type.Array(Type.String({ pattern: '^[^\\s@]{1,64}@[^\\s@]{1,255}$', maxLength: 320 }), {
      minItems: 1,
      maxItems: 20,
    }),
    role: Type.Optional(CloneType(AssignableRole, { default: 'commenter', description: 'Default: commenter.' })),
    message: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Accepted for compatibility; no email is sent.' }),
    ),
  },
  closed,
);

export const ShareResult = Type.Object(
  {
    successful: Type.Array(Type.String(), { description: 'Ids of the users who are now members.' }),
    failed: Type.Array(Type.Object({ email: Type.String(), reason: Type.String() }, closed)),
  },
  closed,
);

export const MemberChange = Type.Object({ role: AssignableRole }, closed);
