import { Type } from '@sinclair/typebox';
import { closed, NamedUser, Offset, PageLinks, StringEnum, Timestamp } from './common.js';

export const PermissionsPolicyChanges = Type.Object(
  {
    collaborationToolsStartAccess: Type.Optional(StringEnum(['all_editors', 'board_owners_and_coowners'])),
    copyAccess: Type.Optional(StringEnum(['anyone', 'team_members', 'team_editors', 'board_owner'])),
    sharingAccess: Type.Optional(StringEnum(['team_members_with_editing_rights', 'owner_and_coowners'])),
  },
  closed,
);

export const SharingPolicyChanges = Type.Object(
  {
    access: Type.Optional(StringEnum(['private', 'view', 'edit', 'comment'])),
    inviteToAccountAndBoardLinkAccess: Type.Optional(StringEnum(['viewer', 'commenter', 'editor', 'no_access'])),
    organizationAccess: Type.Optional(StringEnum(['private', 'view', 'comment', 'edit'])),
    teamAccess: Type.Optional(
      StringEnum(['private', 'view', 'comment', 'edit'], {
        description: "The role team members get without being invited. Grantboard's default: private.",
      }),
    ),
  },
  closed,
);

export const BoardChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'Default: Untitled.' })),
    description: Type.Optional(Type.String({ maxLength: 300 })),
    teamId: Type.Optional(Type.String({ maxLength: 100, description: "Must be the access token's team." })),
    policy: Type.Optional(
      Type.Object(
        {
          permissionsPolicy: Type.Optional(PermissionsPolicyChanges),
          sharingPolicy: Type.Optional(SharingPolicyChanges),
        },
        closed,
      ),
    ),
  },
  closed,
);

const Policy = Type.Object(
  {
    permissionsPolicy: Type.Object(
      {
        collaborationToolsStartAccess: Type.String(),
        copyAccess: Type.String(),
        sharingAccess: Type.String(),
      },
      closed,
    ),
    sharingPolicy: Type.Object(
      {
        access: Type.String(),
        inviteToAccountAndBoardLinkAccess: Type.String(),
        organizationAccess: Type.String(),
        teamAccess: Type.String(),
        accessPasswordRequired: Type.Boolean(),
      },
      closed,
    ),
  },
  closed,
);

export const BoardRoleEnum = StringEnum(['viewer', 'commenter', 'editor', 'coowner', 'owner']);

export const Board = Type.Object(
  {
    id: Type.String({ examples: ['uXjVOD6LSME='] }),
    type: Type.Literal('board'),
    name: Type.String(),
    description: Type.String(),
    team: Type.Object({ id: Type.String(), name: Type.String(), type: Type.Literal('team') }, closed),
    policy: Policy,
    viewLink: Type.String(),
    owner: NamedUser,
    currentUserMembership: Type.Object(
      { id: Type.String(), name: Type.String(), role: BoardRoleEnum, type: Type.Literal('board_member') },
      closed,
    ),
    createdAt: Timestamp,
    createdBy: NamedUser,
    modifiedAt: Timestamp,
    modifiedBy: NamedUser,
    lastOpenedAt: Type.Optional(Timestamp),
    lastOpenedBy: Type.Optional(NamedUser),
    links: Type.Object({ self: Type.String(), related: Type.String() }, closed),
  },
  closed,
);

export const BoardsPage = Type.Object(
  {
    data: Type.Array(Board),
    total: Type.Integer(),
    size: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    links: PageLinks,
    type: Type.Literal('list'),
  },
  closed,
);

export const BoardsQuery = Type.Object(
  {
    team_id: Type.Optional(Type.String({ maxLength: 100, description: "Only the token's team has boards to list." })),
    query: Type.Optional(
      Type.String({ maxLength: 500, description: 'Boards whose name contains this, ignoring case.' }),
    ),
    owner: Type.Optional(Type.String({ maxLength: 100, description: 'Boards owned by this user id.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
    offset: Type.Optional(Offset),
    sort: Type.Optional(
      StringEnum(['default', 'last_modified', 'last_opened', 'last_created', 'alphabetically'], {
        description: 'Default: newest first (last_created).',
      }),
    ),
  },
  closed,
);

export const CopyQuery = Type.Object(
  {
    copy_from: Type.String({ minLength: 1, maxLength: 100, description: 'The id of the board to copy.' }),
  },
  closed,
);
