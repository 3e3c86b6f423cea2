import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import { presentBoard } from '../presenters/board.js';
import { apiLinks } from '../presenters/links.js';
import { offsetLinks } from '../presenters/pages.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { Board, BoardChanges, BoardsPage, BoardsQuery, CopyQuery } from '../schemas/boards.js';
import { BoardParams } from '../schemas/common.js';

const read = ['boards:read' as const];
const write = ['boards:write' as const];

export function boardRoutes({ config, services }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  return [
    defineRoute({
      method: 'POST',
      url: API_PATHS.boards,
      operationId: 'create-board',
      summary: 'Create board',
      description: "Creates a board in the access token's team; the token's user becomes its owner.",
      tag: 'Boards',
      scopes: write,
      level: 3,
      status: 201,
      optionalBody: true,
      schema: { body: BoardChanges, response: Board },
      async handle({ actor, body }) {
        return presentBoard(await services.boards.create(actor, body), actor, links);
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.boards,
      operationId: 'get-boards',
      summary: 'Get boards',
      description:
        "Boards of the token's team that the user can open: boards the user is a member of, and boards open to the team. Offset pagination.",
      tag: 'Boards',
      scopes: read,
      level: 1,
      status: 200,
      schema: { querystring: BoardsQuery, response: BoardsPage },
      async handle({ actor, query }) {
        const limit = query.limit ?? 20;
        const offset = query.offset ?? 0;
        const { boards, total } = await services.boards.list(actor, {
          teamId: query.team_id,
          query: query.query,
          owner: query.owner,
          sort: query.sort,
          limit,
          offset,
        });
        const url = (at: number) =>
          links.withQuery(API_PATHS.boards, {
            team_id: query.team_id,
            query: query.query,
            owner: query.owner,
            sort: query.sort,
            limit,
            offset: at,
          });
        return {
          data: boards.map((board) => presentBoard(board, actor, links)),
          total,
          size: boards.length,
          offset,
          limit,
          links: offsetLinks(url, { offset, limit, total }),
          type: 'list',
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: API_PATHS.boards,
      operationId: 'copy-board',
      summary: 'Copy board',
      description:
        "Copies a board with its items into the token's team; the user owns the copy. Who may copy follows the source's `copyAccess`.",
      tag: 'Boards',
      scopes: write,
      level: 4,
      status: 201,
      optionalBody: true,
      schema: { querystring: CopyQuery, body: BoardChanges, response: Board },
      async handle({ actor, query, body }) {
        return presentBoard(await services.boards.copy(actor, query.copy_from, body), actor, links);
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.board,
      operationId: 'get-specific-board',
      summary: 'Get specific board',
      tag: 'Boards',
      scopes: read,
      level: 1,
      status: 200,
      schema: { params: BoardParams, response: Board },
      async handle({ actor, params }) {
        return presentBoard(await services.boards.open(actor, params.board_id), actor, links);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: API_PATHS.board,
      operationId: 'update-board',
      summary: 'Update board',
      description: 'Name and description need an editor; the policy needs a co-owner.',
      tag: 'Boards',
      scopes: write,
      level: 2,
      status: 200,
      schema: { params: BoardParams, body: BoardChanges, response: Board },
      async handle({ actor, params, body }) {
        return presentBoard(await services.boards.update(actor, params.board_id, body), actor, links);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.board,
      operationId: 'delete-board',
      summary: 'Delete board',
      description: 'Only the owner deletes a board; its items and members go with it.',
      tag: 'Boards',
      scopes: write,
      level: 3,
      status: 204,
      schema: { params: BoardParams },
      async handle({ actor, params }) {
        await services.boards.delete(actor, params.board_id);
      },
    }),
  ];
}
