import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import { apiLinks } from '../presenters/links.js';
import { presentMember } from '../presenters/member.js';
import { offsetLinks } from '../presenters/pages.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams } from '../schemas/common.js';
import {
  BoardMember,
  BoardMembersPage,
  MemberChange,
  MemberParams,
  MembersQuery,
  ShareRequest,
  ShareResult,
} from '../schemas/members.js';

export function memberRoutes({ services, config }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  return [
    defineRoute({
      method: 'GET',
      url: API_PATHS.members,
      operationId: 'get-board-members',
      summary: 'Get all board members',
      tag: 'Board members',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: BoardParams, querystring: MembersQuery, response: BoardMembersPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 20;
        const offset = query.offset ?? 0;
        const { rows, total } = await services.boardMembers.list(actor, params.board_id, limit, offset);
        const path = `/v2/boards/${encodeURIComponent(params.board_id)}/members`;
        return {
          data: rows.map((member) => presentMember(params.board_id, member, links)),
          total,
          size: rows.length,
          offset,
          limit,
          links: offsetLinks((at) => links.withQuery(path, { limit, offset: at }), { offset, limit, total }),
          type: 'list',
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.member,
      operationId: 'get-specific-board-member',
      summary: 'Get specific board member',
      tag: 'Board members',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: MemberParams, response: BoardMember },
      async handle({ actor, params }) {
        const member = await services.boardMembers.get(actor, params.board_id, params.board_member_id);
        return presentMember(params.board_id, member, links);
      },
    }),
    defineRoute({
      method: 'POST',
      url: API_PATHS.members,
      operationId: 'share-board',
      summary: 'Share board',
      description:
        "Adds users, named by email, as members with a role. Sharing needs an editor (a co-owner when the policy's `sharingAccess` is `owner_and_coowners`); nobody gives a role above their own. Sharing only adds: an existing member keeps their role and is reported in `failed`, as are unknown emails; roles change through `update-board-member`.",
      tag: 'Board members',
      scopes: ['boards:write'],
      level: 3,
      status: 201,
      schema: { params: BoardParams, body: ShareRequest, response: ShareResult },
      async handle({ actor, params, body }) {
        return services.boardMembers.share(actor, params.board_id, body.emails, body.role ?? 'commenter');
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: API_PATHS.member,
      operationId: 'update-board-member',
      summary: 'Update board member',
      description: "Changes a member's role; needs a co-owner. The owner's role never changes.",
      tag: 'Board members',
      scopes: ['boards:write'],
      level: 2,
      status: 200,
      schema: { params: MemberParams, body: MemberChange, response: BoardMember },
      async handle({ actor, params, body }) {
        const member = await services.boardMembers.updateRole(
          actor,
          params.board_id,
          params.board_member_id,
          body.role,
        );
        return presentMember(params.board_id, member, links);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.member,
      operationId: 'remove-board-member',
      summary: 'Remove board member',
      description: 'Co-owners remove members; any member but the owner may remove themselves.',
      tag: 'Board members',
      scopes: ['boards:write'],
      level: 2,
      status: 204,
      schema: { params: MemberParams },
      async handle({ actor, params }) {
        await services.boardMembers.remove(actor, params.board_id, params.board_member_id);
      },
    }),
  ];
}
